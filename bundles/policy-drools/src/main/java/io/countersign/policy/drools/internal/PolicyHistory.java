package io.countersign.policy.drools.internal;

import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Every policy-change entry before {@code nextSeq}, in journal order: what the engine needs for the active rule set
 * and {@link PolicyGovernance} for the changes.
 */
record PolicyHistory(List<JournalEntry> entries, long nextSeq) {

    static final PolicyHistory EMPTY = new PolicyHistory(List.of(), 0);

    PolicyHistory {
        entries = List.copyOf(entries);
    }

    /** Reads the whole journal. */
    static PolicyHistory read(Journal journal) {
        return readFrom(journal, 0, new ArrayList<>());
    }

    /**
     * Reads the entries {@code known} names back one by one, then the journal from its size on.
     *
     * @throws PolicyState.Unusable if an entry {@code known} names is not the policy entry it says
     */
    static PolicyHistory read(Journal journal, PolicyState known) throws PolicyState.Unusable {
        return readFrom(journal, known.size(), readBack(journal, known));
    }

    private static PolicyHistory readFrom(Journal journal, long from, List<JournalEntry> entries) {
        long[] next = {from};
        journal.replay(from, entry -> {
            next[0] = entry.seq() + 1;
            if (PolicyEntries.isPolicyChange(entry.type())) {
                entries.add(entry);
            }
        });
        return new PolicyHistory(entries, next[0]);
    }

    private static List<JournalEntry> readBack(Journal journal, PolicyState known) throws PolicyState.Unusable {
        List<JournalEntry> entries = new ArrayList<>();
        for (long seq : known.seqs()) {
            List<JournalEntry> read = journal.read(seq, 1);
            if (read.isEmpty() || read.get(0).seq() != seq || !PolicyEntries.isPolicyChange(read.get(0).type())) {
                throw new PolicyState.Unusable("entry " + seq + " is not a policy change");
            }
            entries.add(read.get(0));
        }
        PolicyHistory history = new PolicyHistory(entries, known.size());
        if (history.lastActivatedSeq() != known.lastActivated()) {
            throw new PolicyState.Unusable("its last activation " + known.lastActivated() + " is not the last"
                    + " policy.activated among its entries (" + history.lastActivatedSeq() + ")");
        }
        return entries;
    }

    /** The last {@code policy.activated}, or {@code null} when no rule set was ever activated. */
    JournalEntry lastActivated() {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).type().equals(PolicyEntries.ACTIVATED)) {
                return entries.get(i);
            }
        }
        return null;
    }

    long lastActivatedSeq() {
        JournalEntry last = lastActivated();
        return last == null ? -1 : last.seq();
    }

    long[] seqs() {
        return entries.stream().mapToLong(JournalEntry::seq).toArray();
    }
}
