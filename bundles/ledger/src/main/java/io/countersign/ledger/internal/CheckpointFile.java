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
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every checkpoint signed, one JSON line each ({@code {"note": "..."}}), appended and fsynced before it is served.
 * Only the sizes and line offsets stay in memory; notes are read back when asked for. A line cut short by a crash
 * was never served and is dropped on open; any other damage refuses the open.
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
    private long[] sizes = new long[1024];
    private long[] offsets = new long[1024];
    private int count;
    private long end;
    private volatile Checkpoint latest;
    private volatile IOException failure;

    private CheckpointFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    static CheckpointFile open(Path directory) throws IOException {
        return open(directory, ChannelOpener.DEFAULT);
    }

    static CheckpointFile open(Path directory, ChannelOpener opener) throws IOException {
        Files.createDirectories(directory);
        Path path = directory.resolve(NAME);
        FileChannel channel = opener.open(path);
        try {
            CheckpointFile file = new CheckpointFile(path, channel);
            file.load();
            return file;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void load() throws IOException {
        long complete = BoundedLines.read(channel, path, MAX_LINE_BYTES, (offset, bytes, length) -> {
            Checkpoint checkpoint = decode(new String(bytes, 0, length, StandardCharsets.UTF_8), offset);
            if (count > 0 && checkpoint.size() <= sizes[count - 1]) {
                throw new IOException(path + " at byte " + offset + ": checkpoint of size " + checkpoint.size()
                        + " follows one of size " + sizes[count - 1]);
            }
            remember(checkpoint.size(), offset);
            latest = checkpoint;
        });
        long length = channel.size();
        if (complete < length) {
            LOG.warn("{} ended in a checkpoint line cut short at byte {} ({} bytes); it was never served and is"
                    + " dropped", path, complete, length - complete);
            channel.truncate(complete);
            channel.force(true);
        }
        end = complete;
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
        remember(checkpoint.size(), end);
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

    private void remember(long size, long offset) {
        if (count == sizes.length) {
            sizes = Arrays.copyOf(sizes, count * 2);
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        sizes[count] = size;
        offsets[count] = offset;
        count++;
    }

    Checkpoint latest() {
        return latest;
    }

    /** The oldest checkpoint whose size exceeds {@code seq}, or null. */
    synchronized Checkpoint covering(long seq) throws IOException {
        int index = Arrays.binarySearch(sizes, 0, count, seq + 1);
        int at = index >= 0 ? index : -index - 1;
        return at < count ? read(at) : null;
    }

    synchronized Checkpoint ofSize(long size) throws IOException {
        int index = Arrays.binarySearch(sizes, 0, count, size);
        return index >= 0 ? read(index) : null;
    }

    private Checkpoint read(int index) throws IOException {
        long from = offsets[index];
        long to = index + 1 < count ? offsets[index + 1] : end;
        ByteBuffer buffer = ByteBuffer.allocate((int) (to - from));
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, from + buffer.position()) < 0) {
                throw new IOException(path + " shrank while being read");
            }
        }
        return decode(new String(buffer.array(), 0, buffer.limit() - 1, StandardCharsets.UTF_8), from);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
