package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.file.Path;

/** The journal on disk is damaged in a way a crash cannot explain, so it will not be opened. */
final class CorruptJournalException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String damage;

    CorruptJournalException(Path segment, long offset, long seq, String what) {
        this("journal segment " + segment + ", byte offset " + offset + ", seq " + seq + ": " + what,
                "; refusing to open the journal (tampering or corruption)");
    }

    CorruptJournalException(String message) {
        this(message, "");
    }

    private CorruptJournalException(String damage, String consequence) {
        super(damage + consequence);
        this.damage = damage;
    }

    /** Where the damage is and what it is, without what the open does about it. */
    String damage() {
        return damage;
    }
}
