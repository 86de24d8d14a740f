package io.countersign.examples.filedrop.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.api.Agent;
import io.countersign.api.ApprovalService;
import io.countersign.api.Directory;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.Submission;
import io.countersign.api.json.JsonInputException;
import io.countersign.api.json.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents' requests: each drop is submitted with its name as the idempotency key, and its answer is rewritten on every
 * durable change of the request until it is settled. Called on the connector's one worker thread only.
 */
final class RequestDrops {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDrops.class);

    /** A request this connector answers for, and the version of the view last written. */
    private record Watched(Path answer, boolean replayed, long writtenVersion) {
    }

    private final ApprovalService approvals;
    private final Directory directory;
    private final Path answers;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();

    RequestDrops(ApprovalService approvals, Directory directory, Path answers) {
        this.approvals = approvals;
        this.directory = directory;
        this.answers = answers;
    }

    /** Whether changes to this request concern this connector; safe on any thread. */
    boolean watches(String requestId) {
        return watched.containsKey(requestId);
    }

    void submit(Path drop, byte[] content) throws IOException, InterruptedException, Durably.RetryLater {
        Path answer = answers.resolve(drop.getFileName());
        Drops.RequestDrop parsed;
        try {
            parsed = Drops.request(StrictJson.parseObject(content));
        } catch (JsonInputException e) {
            Durably.settle(drop, answer, Answers.problem(400, "malformed-json", "Malformed JSON", e.getMessage()));
            return;
        } catch (Drops.InvalidDrop e) {
            Durably.settle(drop, answer, Answers.problem(400, "invalid-field", "Invalid field", e.getMessage()));
            return;
        }
        Optional<Agent> agent = directory.agentByKey(parsed.agentKey());
        if (agent.isEmpty()) {
            Durably.settle(drop, answer, Answers.problem(401, "unauthenticated", "Unauthenticated",
                    "no agent holds the key in this drop"));
            return;
        }
        Submission submission;
        try {
            submission = Durably.await(approvals.submit(agent.get(), parsed.submission(), DropFolders.key(drop)));
        } catch (RequestRejectedException rejected) {
            Durably.settle(drop, answer, Durably.problem(rejected));
            return;
        }
        watch(submission.view().id(), answer, submission.replayed(), -1);
        write(submission.view());
        Files.delete(drop);
    }

    /** Answers still pending when the connector last stopped are watched again, and brought up to date. */
    void resume() {
        try {
            for (Path answer : DropFolders.drops(answers)) {
                JsonNode written = StrictJson.parseObject(Files.readAllBytes(answer));
                if ("pending".equals(written.path("status").asText())) {
                    watch(written.path("id").asText(), answer, written.path("replayed").asBoolean(),
                            written.path("version").asLong());
                }
            }
        } catch (IOException | JsonInputException | RuntimeException e) {
            LOG.error("could not read the answers in {}", answers, e);
        }
    }

    /** Rewrites the answer of a watched request if {@code view} is newer than what it says. */
    void write(RequestView view) {
        Watched watching = watched.get(view.id());
        if (watching == null || view.version() <= watching.writtenVersion()) {
            return;
        }
        boolean settled = view.status().isTerminal() && (view.grant() != null
                || view.status() == RequestStatus.DENIED || view.status() == RequestStatus.EXPIRED);
        try {
            String token = view.grant() == null ? null : approvals.grantToken(view.grant());
            DropFolders.writeAtomically(watching.answer(), Answers.bytes(Answers.request(view, watching.replayed(),
                    token)));
            if (settled) {
                watched.remove(view.id());
            } else {
                watched.put(view.id(), new Watched(watching.answer(), watching.replayed(), view.version()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("could not write the answer {} for request {}", watching.answer(), view.id(), e);
        }
    }

    private void watch(String requestId, Path answer, boolean replayed, long writtenVersion) {
        watched.put(requestId, new Watched(answer, replayed, writtenVersion));
        // what changed before it was watched is in the committed view; what changes after reaches the listener
        approvals.find(requestId).ifPresent(this::write);
    }
}
