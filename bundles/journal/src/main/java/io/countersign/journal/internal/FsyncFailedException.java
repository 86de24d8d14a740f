package io.countersign.journal.internal;

import java.io.IOException;

/**
 * An fsync of a segment or of the journal directory failed. Unlike a failed write, this is final: after a failed
 * fsync Linux may already have dropped the dirty pages it could not write, so retrying could report success for data
 * that is not on disk (security-and-compliance.md §4.3 F5). The journal refuses every later append until reopened.
 */
final class FsyncFailedException extends IOException {

    private static final long serialVersionUID = 1L;

    FsyncFailedException(String what, IOException cause) {
        super("fsync of " + what + " failed: " + cause.getMessage(), cause);
    }
}
