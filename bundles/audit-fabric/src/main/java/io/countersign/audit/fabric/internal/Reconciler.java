package io.countersign.audit.fabric.internal;

import io.countersign.api.Checkpoint;
import io.countersign.api.Checkpoints;
import io.countersign.api.Journal;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Compares what Fabric anchored of this log with the journal: the head's root with this log's checkpoint of that
 * size, and every segment anchored past a known point entry hash by entry hash. Anything that differs is a
 * {@link ConflictException}; what matches comes back as the transactions that still need recording.
 */
final class Reconciler {

    /** One anchoring transaction found on Fabric: its segments, consecutive. */
    record AnchoredTransaction(List<AnchoredSegment> segments, boolean onlyConfirmations) {

        long from() {
            return segments.get(0).from();
        }

        long to() {
            return last().to();
        }

        String txId() {
            return last().txId();
        }

        AnchoredSegment last() {
            return segments.get(segments.size() - 1);
        }

        List<Long> checkpointSizes() {
            return segments.stream().map(AnchoredSegment::to).toList();
        }
    }

    private final Journal journal;
    private final Checkpoints checkpoints;
    private final AnchorLedger ledger;
    private final String origin;
    private final AnchorSettings settings;

    Reconciler(Journal journal, Checkpoints checkpoints, AnchorLedger ledger, String origin, AnchorSettings settings) {
        this.journal = journal;
        this.checkpoints = checkpoints;
        this.ledger = ledger;
        this.origin = origin;
        this.settings = settings;
    }

    /** Whether Fabric's head describes a prefix of this log, as its checkpoint of the same size does. */
    void checkHead(AnchorHead head) throws ConflictException {
        if (head.size() == 0) {
            return;
        }
        long journalSize = journal.size();
        if (head.size() > journalSize) {
            throw new ConflictException("Fabric anchors " + head.size() + " entries of '" + origin
                    + "' but the journal holds only " + journalSize + ": entries anchored on Fabric are missing here");
        }
        Optional<Checkpoint> ours = checkpoints.ofSize(head.size());
        if (ours.isEmpty()) {
            throw new ConflictException("Fabric's head of '" + origin + "' is at size " + head.size()
                    + " (transaction " + head.txId() + "), which no checkpoint of this log has");
        }
        if (head.root() == null || !MessageDigest.isEqual(ours.get().root(), head.root())) {
            throw new ConflictException("Fabric's root of '" + origin + "' at size " + head.size() + " is "
                    + b64(head.root()) + " but this log's checkpoint of that size has " + b64(ours.get().root())
                    + ": Fabric holds another history");
        }
    }

    /**
     * How far the journal's newest {@code anchor.confirmed} entry (for this channel and chaincode) confirms, checked
     * against Fabric: 0 when there is none. Only entries after the end of the first anchored segment can be
     * confirmations, so the journal is not scanned further back (all of it is while nothing is anchored).
     */
    long journaledPosition(AnchorHead head) throws FabricException, ConflictException {
        if (head.size() == 0) {
            // the whole journal, once: a confirmation here means the channel was reset under us
            Optional<Confirmation.Journaled> any = Confirmation.newest(journal, settings.channel(),
                    settings.chaincode(), 0);
            if (any.isPresent()) {
                throw lost(any.get(), head);
            }
            return 0;
        }
        long floor = ledger.segmentOf(origin, 0).to();
        Optional<Confirmation.Journaled> newest = Confirmation.newest(journal, settings.channel(),
                settings.chaincode(), floor);
        if (newest.isEmpty()) {
            return 0;
        }
        Confirmation.Journaled confirmed = newest.get();
        if (confirmed.to() > head.size()) {
            throw lost(confirmed, head);
        }
        AnchoredSegment last = ledger.segmentOf(origin, confirmed.to() - 1);
        if (last.to() != confirmed.to() || !last.txId().equals(confirmed.txId())) {
            throw new ConflictException("the journal (seq " + confirmed.seq() + ") confirms that transaction "
                    + confirmed.txId() + " anchored entries up to " + confirmed.to() + ", but on Fabric entry "
                    + (confirmed.to() - 1) + " was anchored by transaction " + last.txId() + " up to " + last.to());
        }
        return confirmed.to();
    }

    private ConflictException lost(Confirmation.Journaled confirmed, AnchorHead head) {
        return new ConflictException("the journal (seq " + confirmed.seq() + ") confirms that transaction "
                + confirmed.txId() + " anchored entries up to " + confirmed.to() + " on channel '"
                + settings.channel() + "', but Fabric's head of '" + origin + "' is at " + head.size()
                + ": the channel lost anchors, or it is another network");
    }

    /** The transactions that anchored the entries {@code from <= seq < to}, each checked against the journal. */
    List<AnchoredTransaction> anchoredBetween(long from, long to) throws FabricException, ConflictException {
        List<AnchoredTransaction> transactions = new ArrayList<>();
        List<AnchoredSegment> segments = new ArrayList<>();
        boolean onlyConfirmations = true;
        long position = from;
        while (position < to) {
            AnchoredSegment segment = ledger.segmentOf(origin, position);
            JournalRange ours = checkSegment(segment, position, to);
            if (!segments.isEmpty() && !segments.get(0).txId().equals(segment.txId())) {
                transactions.add(new AnchoredTransaction(List.copyOf(segments), onlyConfirmations));
                segments.clear();
                onlyConfirmations = true;
            }
            segments.add(segment);
            onlyConfirmations &= ours.onlyConfirmations();
            position = segment.to();
        }
        if (!segments.isEmpty()) {
            transactions.add(new AnchoredTransaction(List.copyOf(segments), onlyConfirmations));
        }
        return transactions;
    }

    private JournalRange checkSegment(AnchoredSegment segment, long position, long to) throws ConflictException {
        if (segment.from() != position || segment.to() <= position || segment.to() > to) {
            throw new ConflictException("Fabric's segment holding entry " + position + " of '" + origin
                    + "' spans entries " + segment.from() + " to " + segment.to() + " (transaction " + segment.txId()
                    + "); this log's anchors end at " + position + " and " + to);
        }
        if (segment.to() > journal.size()) {
            throw new ConflictException("Fabric anchors entries up to " + segment.to() + " of '" + origin
                    + "' (transaction " + segment.txId() + ") but the journal holds only " + journal.size());
        }
        JournalRange ours = JournalRange.read(journal, segment.from(), segment.to());
        long differing = ours.firstDifference(segment.entryHashes());
        if (differing >= 0) {
            throw new ConflictException("entry " + differing + " of '" + origin + "' is anchored on Fabric by "
                    + "transaction " + segment.txId() + " with another hash than the journal's: Fabric holds "
                    + "another history");
        }
        return ours;
    }

    private static String b64(byte[] bytes) {
        return bytes == null ? "nothing" : Base64.getEncoder().encodeToString(bytes);
    }
}
