package io.countersign.ledger.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.Checkpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every checkpoint signed, one JSON line each ({@code {"note": "..."}}), appended and fsynced before it is served.
 * Where each line starts is in {@link CheckpointIndex} on disk, so an open reads the last indexed line and those
 * after it, not the whole file, and nothing in memory grows with the number of lines; notes are read back when asked
 * for. A line cut short by a crash was never served and is dropped on open. Damage to a line read on open (those
 * after the index, or all of them when the index is missing or disagrees with the file) refuses the open; damage to an
 * earlier line is reported when that line is read.
 * <p>
 * A failed write (a full disk) is cut back off and may be retried. The first failed fsync is final, as in the journal:
 * after a failed fsync Linux may already have dropped the pages it could not write, so what the file holds past the
 * last good line is unknown. The line is cut back off if the disk still allows it, and nothing more is appended until
 * the ledger is restarted.
 */
final class CheckpointFile implements AutoCloseable {

    static final String NAME = "checkpoints.log";
    /** The longest line, newline included. Lines are a few hundred bytes: a longer one is damage. */
    static final int MAX_LINE_BYTES = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Opens the file's channel; tests stand in one whose writes or fsyncs fail. */
    @FunctionalInterface
    interface ChannelOpener {
        ChannelOpener DEFAULT = path -> FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);

        FileChannel open(Path path) throws IOException;
    }

    private final Path path;
    private final FileChannel channel;
    private final CheckpointIndex index;
    /** Set when the index could not be written: it is rebuilt from the file before it is used again. */
    private boolean indexStale;
    private long end;
    private volatile Checkpoint latest;
    private volatile IOException failure;

    private CheckpointFile(Path path, FileChannel channel, CheckpointIndex index) {
        this.path = path;
        this.channel = channel;
        this.index = index;
    }

    static CheckpointFile open(Path directory) throws IOException {
        return open(directory, ChannelOpener.DEFAULT);
    }

    static CheckpointFile open(Path directory, ChannelOpener opener) throws IOException {
        Files.createDirectories(directory);
        Path path = directory.resolve(NAME);
        FileChannel channel = opener.open(path);
        CheckpointIndex index = null;
        try {
            index = CheckpointIndex.open(directory);
            CheckpointFile file = new CheckpointFile(path, channel, index);
            file.load();
            return file;
        } catch (IOException | RuntimeException e) {
            if (index != null) {
                index.close();
            }
            channel.close();
            throw e;
        }
    }

    private void load() throws IOException {
        long complete = indexFrom(resumePoint());
        long length = channel.size();
        if (complete < length) {
            LOG.warn("{} ended in a checkpoint line cut short at byte {} ({} bytes); it was never served and is"
                    + " dropped", path, complete, length - complete);
            channel.truncate(complete);
            channel.force(true);
        }
        end = complete;
    }

    /**
     * Where reading the file on open starts: just after the last indexed line when the index agrees with the file
     * there (that line is read and becomes {@link #latest}), else 0 with the index emptied, to be rebuilt.
     */
    private long resumePoint() throws IOException {
        long lines = index.count();
        if (lines == 0) {
            return 0;
        }
        String problem;
        try {
            long offset = index.offset(lines - 1);
            String line = index.offset(0) == 0 ? lineAt(offset) : null;
            if (line == null) {
                problem = "its lines do not start where the file's do";
            } else {
                Checkpoint last = decode(line, offset);
                if (last.size() == index.size(lines - 1)) {
                    latest = last;
                    return offset + line.getBytes(StandardCharsets.UTF_8).length + 1;
                }
                problem = "its last line is the checkpoint of size " + last.size() + ", not " + index.size(lines - 1);
            }
        } catch (IOException e) {
            problem = e.getMessage();
        }
        LOG.warn("{} does not match {} ({}); rebuilding it from every line", index.path(), path, problem);
        index.truncate(0);
        return 0;
    }

    /** The complete line starting at {@code offset}, without its newline, or null if there is none. */
    private String lineAt(long offset) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE_BYTES);
        while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
            for (int i = 0; i < buffer.position(); i++) {
                if (buffer.get(i) == '\n') {
                    return new String(buffer.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    /** Reads and indexes every complete line from {@code from}; returns where the first incomplete one starts. */
    private long indexFrom(long from) throws IOException {
        return BoundedLines.read(channel, path, MAX_LINE_BYTES, from, (offset, bytes, length) -> {
            Checkpoint checkpoint = decode(new String(bytes, 0, length, StandardCharsets.UTF_8), offset);
            if (latest != null && checkpoint.size() <= latest.size()) {
                throw new IOException(path + " at byte " + offset + ": checkpoint of size " + checkpoint.size()
                        + " follows one of size " + latest.size());
            }
            index.append(checkpoint.size(), offset);
            latest = checkpoint;
        });
    }

    private Checkpoint decode(String line, long offset) throws IOException {
        try {
            JsonNode json = JSON.readTree(line);
            return CheckpointNote.parse(json.path("note").asText());
        } catch (IOException | RuntimeException e) {
            throw new IOException(path + " at byte " + offset + " holds no readable checkpoint: " + e.getMessage(), e);
        }
    }

    /**
     * Appends the checkpoint's line and fsyncs it.
     *
     * @throws IllegalStateException if this append or an earlier one failed to write or fsync
     */
    synchronized void append(Checkpoint checkpoint) {
        requireWritable();
        byte[] line = (JSON.createObjectNode().put("note", checkpoint.note()) + "\n").getBytes(StandardCharsets.UTF_8);
        if (line.length > MAX_LINE_BYTES) {
            throw new IllegalArgumentException("the checkpoint of size " + checkpoint.size() + " takes " + line.length
                    + " bytes, more than the " + MAX_LINE_BYTES + " a line of " + path + " may hold");
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer, end + buffer.position());
            }
        } catch (IOException e) {
            // A failed write (a full disk) is not final: nothing of it was fsynced, and once the partial line is cut
            // off the file is as it was, so a later append can succeed. Only a failed cut is final.
            try {
                channel.truncate(end);
            } catch (IOException cut) {
                e.addSuppressed(cut);
                fail(e);
                throw unwritable(e);
            }
            LOG.warn("Writing a checkpoint to {} failed ({}); cut back to the last good line, to be retried", path,
                    e.getMessage());
            throw new IllegalStateException("writing the checkpoint failed, to be retried: " + e.getMessage(), e);
        }
        try {
            channel.force(false);
        } catch (IOException e) {
            fail(e);
            throw unwritable(e);
        }
        try {
            index.append(checkpoint.size(), end);
        } catch (IOException e) {
            LOG.warn("Indexing the checkpoint of size {} in {} failed ({}); the index is rebuilt before it is next"
                    + " read", checkpoint.size(), index.path(), e.getMessage());
            indexStale = true;
        }
        end += line.length;
        latest = checkpoint;
    }

    private void fail(IOException cause) {
        failure = cause;
        try {
            channel.truncate(end);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
        LOG.error("Fsyncing (or cutting back) a checkpoint in {} failed; no further checkpoint will be signed until"
                + " the ledger is restarted (not retried: after a failed fsync the page cache cannot be trusted)",
                path, cause);
    }

    boolean isWritable() {
        return failure == null;
    }

    /** @throws IllegalStateException if an append has failed */
    void requireWritable() {
        IOException cause = failure;
        if (cause != null) {
            throw unwritable(cause);
        }
    }

    private static IllegalStateException unwritable(IOException cause) {
        return new IllegalStateException("checkpoints can no longer be written: " + cause.getMessage(), cause);
    }

    Checkpoint latest() {
        return latest;
    }

    /** The oldest checkpoint whose size exceeds {@code seq}, or null. */
    synchronized Checkpoint covering(long seq) throws IOException {
        return lookUp(() -> firstAtLeast(seq + 1));
    }

    synchronized Checkpoint ofSize(long size) throws IOException {
        return lookUp(() -> {
            Checkpoint found = firstAtLeast(size);
            return found != null && found.size() == size ? found : null;
        });
    }

    /**
     * The oldest checkpoint of at least {@code size}, found by the index and confirmed by the file: the line found
     * and the one before it are read, so a damaged index record cannot give a wrong answer, only a rebuild.
     */
    private Checkpoint firstAtLeast(long size) throws IOException {
        long at = index.firstAtLeast(size);
        if (at > 0 && read(at - 1).size() >= size) {
            throw new IndexMismatch(index.path() + " is out of order before line " + at);
        }
        if (at == index.count()) {
            return null;
        }
        Checkpoint found = read(at);
        if (found.size() < size) {
            throw new IndexMismatch(index.path() + " is out of order after line " + at);
        }
        return found;
    }

    @FunctionalInterface
    private interface Lookup {
        Checkpoint find() throws IOException;
    }

    /** Runs a lookup on the index, rebuilt from the file first if it could not be written or once it disagrees. */
    private Checkpoint lookUp(Lookup lookup) throws IOException {
        if (indexStale) {
            rebuildIndex();
        }
        try {
            return lookup.find();
        } catch (IndexMismatch e) {
            LOG.error("{}; rebuilding it from every line of {}", e.getMessage(), path);
            rebuildIndex();
            return lookup.find();
        }
    }

    private void rebuildIndex() throws IOException {
        index.truncate(0);
        Checkpoint newest = latest;
        latest = null;
        try {
            indexFrom(0);
            indexStale = false;
        } finally {
            latest = newest;
        }
    }

    private Checkpoint read(long line) throws IOException {
        long from = index.offset(line);
        long to = line + 1 < index.count() ? index.offset(line + 1) : end;
        if (from < 0 || to > end || to - from < 2 || to - from > MAX_LINE_BYTES) {
            throw new IndexMismatch(index.path() + " places line " + line + " at bytes " + from + " to " + to);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) (to - from));
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, from + buffer.position()) < 0) {
                throw new IOException(path + " shrank while being read");
            }
        }
        if (buffer.get(buffer.limit() - 1) != '\n' || (from > 0 && !endsLine(from))) {
            throw new IndexMismatch(index.path() + " places line " + line + " at byte " + from
                    + ", where no line starts");
        }
        Checkpoint checkpoint = decode(new String(buffer.array(), 0, buffer.limit() - 1, StandardCharsets.UTF_8),
                from);
        if (checkpoint.size() != index.size(line)) {
            throw new IndexMismatch(index.path() + " says line " + line + " holds the checkpoint of size "
                    + index.size(line) + ", but it holds size " + checkpoint.size());
        }
        return checkpoint;
    }

    private boolean endsLine(long offset) throws IOException {
        ByteBuffer before = ByteBuffer.allocate(1);
        return channel.read(before, offset - 1) == 1 && before.get(0) == '\n';
    }

    /** The index disagrees with the file: it is rebuilt. */
    private static final class IndexMismatch extends IOException {
        IndexMismatch(String message) {
            super(message);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            index.close();
        } finally {
            channel.close();
        }
    }
}
