package io.countersign.journal.internal;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the process when the journal cannot be opened at start. Without its journal a Countersign node can do nothing
 * but answer 404 and 503, and a DS component whose activation fails does not stop Karaf; so the journal says why in
 * one line, on stderr and in the log, and exits the JVM with {@link #EXIT_CODE}. Karaf's launcher registers no
 * shutdown hook, so the exit is as abrupt as a crash, which the journal and every other store are built to survive;
 * nothing was written by the journal that failed to open.
 */
final class StartupFailure {

    /** The process's exit status when the journal cannot be opened. */
    static final int EXIT_CODE = 3;

    private static final Logger LOG = LoggerFactory.getLogger(StartupFailure.class);
    private static final AtomicBoolean EXITING = new AtomicBoolean();
    /** Time for the log line to reach the log file before the JVM ends. */
    private static final long LOG_FLUSH_MILLIS = 500;

    private StartupFailure() {
    }

    /** The one line that says why the journal in {@code directory} cannot be opened. */
    static String describe(Path directory, Throwable failure) {
        String what;
        String message = String.valueOf(failure.getMessage());
        if (failure instanceof InsufficientSpaceException || failure instanceof CorruptJournalException
                || message.startsWith("journal ")) {
            what = message;
        } else if (failure instanceof AccessDeniedException denied) {
            what = "journal directory " + directory + " cannot be read or written: permission denied on "
                    + denied.getFile();
        } else if (failure instanceof FileAlreadyExistsException || failure instanceof NotDirectoryException) {
            what = "journal directory " + directory + " cannot be created: " + ((FileSystemException) failure).getFile()
                    + " is not a directory";
        } else if (failure instanceof FileSystemException fs) {
            what = "journal directory " + directory + " cannot be used: " + fs.getFile()
                    + (fs.getReason() == null ? "" : ": " + fs.getReason());
        } else {
            what = "the journal in " + directory + " cannot be opened: " + failure;
        }
        return "Countersign cannot start: " + what.replace('\n', ' ');
    }

    /**
     * Logs and prints {@code line}, then ends the JVM with {@link #EXIT_CODE} from a thread of its own. Only the first
     * call does anything: DS tries to activate the journal again for each service that wants it, meanwhile.
     */
    static void exit(String line, Throwable failure) {
        if (!EXITING.compareAndSet(false, true)) {
            return;
        }
        LOG.error(line);
        LOG.debug("the journal failed to open", failure);
        System.err.println(line);
        System.err.flush();
        Thread exit = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(LOG_FLUSH_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.exit(EXIT_CODE);
        }, "countersign-startup-failure");
        exit.start();
    }
}
