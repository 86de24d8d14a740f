package io.countersign.ledger.internal;

import io.countersign.api.ApprovalService;
import io.countersign.api.Checkpoints;
import io.countersign.api.EvidenceBundles;
import io.countersign.api.Journal;
import io.countersign.api.MerkleLog;
import io.countersign.api.SigningKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Evidence bundles for one request or a time range, for the HTTP API and the {@code countersign:export} command: each
 * is planned (and refused if invalid) before it is written.
 */
@Component(service = {EvidenceExporter.class, EvidenceBundles.class})
public final class EvidenceExporter implements EvidenceBundles {

    private final ApprovalService approvals;
    private final EvidenceWriter writer;

    @Activate
    public EvidenceExporter(@Reference Journal journal, @Reference MerkleLog log, @Reference Checkpoints checkpoints,
                            @Reference SigningKeys keys, @Reference ApprovalService approvals) {
        this.approvals = approvals;
        this.writer = new EvidenceWriter(journal, log, checkpoints, keys, Clock.systemUTC());
    }

    /**
     * Plans the bundle of every entry of one request, or nothing if there is no such request.
     *
     * @param trustedSize the size of a checkpoint the reader already trusts, or {@code null}
     */
    Optional<BundlePlan> planRequest(String requestId, Long trustedSize) throws InvalidExportException {
        List<Long> seqs = approvals.journalSeqs(requestId);
        if (seqs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(writer.planRequest(requestId, seqs, trustedSize));
    }

    /** Plans the bundle of every entry from {@code from} to {@code to}, with one boundary entry on each side. */
    BundlePlan planRange(Instant from, Instant to, Long trustedSize) throws InvalidExportException {
        return writer.planRange(from, to, trustedSize);
    }

    /** Streams a planned bundle to {@code out}; see {@link EvidenceWriter#write}. */
    void write(BundlePlan plan, OutputStream out) throws IOException {
        writer.write(plan, out);
    }

    @Override
    public void writeRequests(List<String> requestIds, Destination destination) throws IOException {
        Map<String, List<Long>> seqs = new LinkedHashMap<>();
        for (String id : requestIds) {
            List<Long> found = approvals.journalSeqs(id);
            if (found.isEmpty()) {
                throw new IllegalArgumentException("there is no request " + id);
            }
            seqs.put(id, found);
        }
        for (BundlePlan plan : writer.planRequests(seqs)) {
            writer.write(plan, destination.open(plan.scope().path("request").asText()));
        }
    }

    /** Whether this agent asked for the request, so may have its evidence. */
    public boolean isRequester(String requestId, String agentId) {
        return approvals.find(requestId).map(view -> view.request().action().requester().equals(agentId))
                .orElse(false);
    }
}
