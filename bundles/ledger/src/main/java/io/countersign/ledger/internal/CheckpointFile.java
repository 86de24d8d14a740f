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
 */
final class CheckpointFile implements AutoCloseable {

    static final String NAME = "checkpoints.log";
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private long[] sizes = new long[1024];
    private long[] offsets = new long[1024];
    private int count;
    private long end;
    private volatile Checkpoint latest;

    private CheckpointFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    static CheckpointFile open(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path path = directory.resolve(NAME);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
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
        byte[] content = Files.readAllBytes(path);
        int lineStart = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] != '\n') {
                continue;
            }
            Checkpoint checkpoint = decode(new String(content, lineStart, i - lineStart, StandardCharsets.UTF_8),
                    lineStart);
            if (count > 0 && checkpoint.size() <= sizes[count - 1]) {
                throw new IOException(path + " at byte " + lineStart + ": checkpoint of size " + checkpoint.size()
                        + " follows one of size " + sizes[count - 1]);
            }
            remember(checkpoint.size(), lineStart);
            latest = checkpoint;
            lineStart = i + 1;
        }
        if (lineStart < content.length) {
            LOG.warn("{} ended in a checkpoint line cut short at byte {} ({} bytes); it was never served and is"
                    + " dropped", path, lineStart, content.length - lineStart);
            channel.truncate(lineStart);
            channel.force(true);
        }
        end = lineStart;
    }

    private Checkpoint decode(String line, long offset) throws IOException {
        try {
            JsonNode json = JSON.readTree(line);
            return CheckpointNote.parse(json.path("note").asText());
        } catch (IOException | RuntimeException e) {
            throw new IOException(path + " at byte " + offset + " holds no readable checkpoint: " + e.getMessage(), e);
        }
    }

    synchronized void append(Checkpoint checkpoint) throws IOException {
        byte[] line = (JSON.writeValueAsString(JSON.createObjectNode().put("note", checkpoint.note())) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        long at = end;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
        channel.force(false);
        remember(checkpoint.size(), end);
        end = at;
        latest = checkpoint;
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
