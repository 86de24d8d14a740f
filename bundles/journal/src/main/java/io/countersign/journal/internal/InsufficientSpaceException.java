package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The journal's directory has less free space than opening it needs; nothing was written. */
final class InsufficientSpaceException extends IOException {

    private static final long serialVersionUID = 1L;

    InsufficientSpaceException(Path directory, long needed, long free, String why) {
        super("journal directory " + directory + " has " + mebibytes(free) + " free but needs " + mebibytes(needed)
                + " " + why + "; free space there or lower segmentBytes (io.countersign.journal)");
    }

    static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
