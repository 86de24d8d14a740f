package io.countersign.policy.drools.internal;

import io.countersign.api.Journal;
import io.countersign.api.MerkleLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy history at start: from {@code state.bin} and the journal after it when the file still describes this
 * journal, otherwise from the whole journal (the file is derived data; the journal decides).
 *
 * @param history what the engine and {@link PolicyGovernance} start from
 * @param stateCurrent whether {@code state.bin} already describes {@code history}, so it need not be written again
 * @param stateIgnored why {@code state.bin} was not used, {@code null} if it was or there was nothing to use it for
 */
record PolicyRestore(PolicyHistory history, boolean stateCurrent, String stateIgnored) {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyRestore.class);

    /** Where no {@code state.bin} is kept: the whole journal, as every start. */
    static PolicyRestore withoutState(Journal journal) {
        return new PolicyRestore(PolicyHistory.read(journal), false, null);
    }

    static PolicyRestore restore(PolicyStateFile file, Journal journal, MerkleLog merkle) {
        file.deleteLeftovers();
        try {
            PolicyState state = file.read();
            state.checkAgainst(merkle);
            PolicyHistory history = PolicyHistory.read(journal, state);
            LOG.info("policy history from {}: {} policy entries before {} read back, then {} journal entries",
                    file.path(), state.seqs().length, state.size(), history.nextSeq() - state.size());
            return new PolicyRestore(history, history.nextSeq() == state.size(), null);
        } catch (PolicyState.Unusable e) {
            if (journal.size() == 0) {
                // a new node: there was nothing to describe yet
                return withoutState(journal);
            }
            LOG.warn("policy state {} is not used ({}); reading the whole journal for the policy history",
                    file.path(), e.getMessage());
            return new PolicyRestore(PolicyHistory.read(journal), false, e.getMessage());
        }
    }
}
