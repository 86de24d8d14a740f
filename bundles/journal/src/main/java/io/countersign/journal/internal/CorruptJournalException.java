package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.file.Path;

/** The journal on disk is damaged in a way a crash cannot explain, so it will not be opened. */
final class CorruptJournalException extends IOException {

    private static final long serialVersionUID = 1L;

    CorruptJournalException(Path segment, long offset, long seq, String what) {
        super("journal segment " + segment + ", byte offset " + offset + ", seq " + seq + ": " + what
                + "; refusing to open the journal (tampering or corruption)");
    }

    CorruptJournalException(String message) {
        super(message);
    }
}
