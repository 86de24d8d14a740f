package io.countersign.ledger.internal;

import io.countersign.api.ApprovalService;
import io.countersign.api.Checkpoints;
import io.countersign.api.Journal;
import io.countersign.api.MerkleLog;
import io.countersign.api.SigningKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Evidence bundles for one request or a time range, for the HTTP API and the {@code countersign:export} command. */
@Component(service = EvidenceExporter.class)
public final class EvidenceExporter {

    private final ApprovalService approvals;
    private final EvidenceWriter writer;

    @Activate
    public EvidenceExporter(@Reference Journal journal, @Reference MerkleLog log, @Reference Checkpoints checkpoints,
                            @Reference SigningKeys keys, @Reference ApprovalService approvals) {
        this.approvals = approvals;
        this.writer = new EvidenceWriter(journal, log, checkpoints, keys, Clock.systemUTC());
    }

    /**
     * Writes the bundle of every entry of one request.
     *
     * @param trustedSize the size of a checkpoint the reader already trusts, or {@code null}
     * @throws NoSuchElementException if there is no such request
     */
    public void exportRequest(String requestId, Long trustedSize, OutputStream out) throws IOException {
        List<Long> seqs = approvals.journalSeqs(requestId);
        if (seqs.isEmpty()) {
            throw new NoSuchElementException("no action request " + requestId);
        }
        writer.writeRequest(requestId, seqs, trustedSize, out);
    }

    /** Writes the bundle of every entry from {@code from} to {@code to}, with one boundary entry on each side. */
    public void exportRange(Instant from, Instant to, Long trustedSize, OutputStream out) throws IOException {
        writer.writeRange(from, to, trustedSize, out);
    }

    /** Whether this agent asked for the request, so may have its evidence. */
    public boolean isRequester(String requestId, String agentId) {
        return approvals.find(requestId).map(view -> view.request().action().requester().equals(agentId))
                .orElse(false);
    }
}
