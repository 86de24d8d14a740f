package io.countersign.examples.filedrop.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ApprovalService;
import io.countersign.api.ChannelEvent;
import io.countersign.api.Directory;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.json.JsonInputException;
import io.countersign.api.json.StrictJson;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Reviewers' verdicts: the reviewer is whoever the directory says holds the token in the drop; the vote goes through
 * {@link ApprovalService#review}, like every channel's, with the file's name and hash as evidence and the hash as its
 * replay key. An unknown token counts nothing and is journaled.
 */
final class ReviewDrops {

    /** The name votes and journaled refusals carry as their channel. */
    static final String CHANNEL = "filedrop";

    private final ApprovalService approvals;
    private final Directory directory;
    private final Path answers;

    ReviewDrops(ApprovalService approvals, Directory directory, Path answers) {
        this.approvals = approvals;
        this.directory = directory;
        this.answers = answers;
    }

    void review(Path drop, byte[] content) throws IOException, InterruptedException, Durably.RetryLater {
        Path answer = answers.resolve(drop.getFileName());
        Drops.ReviewDrop parsed;
        try {
            parsed = Drops.review(StrictJson.parseObject(content));
        } catch (JsonInputException e) {
            Durably.settle(drop, answer, Answers.problem(400, "malformed-json", "Malformed JSON", e.getMessage()));
            return;
        } catch (Drops.InvalidDrop e) {
            Durably.settle(drop, answer, Answers.problem(400, "invalid-field", "Invalid field", e.getMessage()));
            return;
        }
        // what this connector verified, for the auditor: which file, and its hash; never the token it carried
        String sha256 = sha256(content);
        ObjectNode artifact = JsonNodeFactory.instance.objectNode().put("file", drop.getFileName().toString())
                .put("sha256", sha256);
        Optional<Reviewer> reviewer = directory.reviewerByToken(parsed.reviewerToken());
        if (reviewer.isEmpty()) {
            Durably.await(approvals.recordChannelEvent(new ChannelEvent(CHANNEL, ChannelEvent.Kind.REFUSED,
                    "unknown-reviewer", "no reviewer holds the token in this review drop", parsed.requestId(), null,
                    artifact)));
            Durably.settle(drop, answer, Answers.problem(401, "unauthenticated", "Unauthenticated",
                    "no reviewer holds the token in this drop"));
            return;
        }
        Optional<ReviewResult> result;
        try {
            result = Durably.await(approvals.review(reviewer.get(), parsed.requestId(), parsed.verdict(),
                    parsed.comment(), new ReviewEvidence(CHANNEL, CHANNEL + ":" + sha256, parsed.digest(), artifact)));
        } catch (RequestRejectedException rejected) {
            Durably.settle(drop, answer, Durably.problem(rejected));
            return;
        }
        if (result.isEmpty()) {
            Durably.settle(drop, answer, Answers.problem(404, "not-found", "Not found",
                    "no action request " + parsed.requestId()));
        } else if (result.get() instanceof ReviewResult.Refused refused) {
            Durably.settle(drop, answer, Answers.problem(403, refused.reason().code(), "Review refused",
                    refused.detail()).put("request", refused.view().id()));
        } else {
            Durably.settle(drop, answer, Answers.counted(result.get().view()));
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
