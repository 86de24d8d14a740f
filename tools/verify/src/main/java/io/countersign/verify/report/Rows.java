package io.countersign.verify.report;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The population's CSV lines on disk, so a period of millions of requests does not sit in the heap: each line is
 * appended to a data file when its request can no longer change (in whatever order that happens), and an index file,
 * mapped in chunks outside the heap, holds its offset and length at the request's ordinal (its place in receipt
 * order). {@link #writeTo} writes the member in receipt order.
 */
final class Rows implements AutoCloseable {

    private static final int INDEX_BYTES = 12;
    private static final int CHUNK_ORDINALS = 1 << 20;

    private final Path directory;
    private final FileChannel data;
    private final OutputStream appender;
    private final FileChannel index;
    private final List<MappedByteBuffer> chunks = new ArrayList<>();
    private long written;
    private int count;

    Rows() {
        try {
            directory = Files.createTempDirectory("countersign-report-rows");
            data = FileChannel.open(directory.resolve("lines"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
            appender = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(data), 1 << 16);
            index = FileChannel.open(directory.resolve("index"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many requests the population has, once every line was put. */
    int size() {
        return count;
    }

    void put(int ordinal, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        try {
            appender.write(bytes);
            ByteBuffer chunk = chunk(ordinal);
            int at = (ordinal % CHUNK_ORDINALS) * INDEX_BYTES;
            chunk.putLong(at, written);
            chunk.putInt(at + 8, bytes.length);
            written += bytes.length;
            count = Math.max(count, ordinal + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private MappedByteBuffer chunk(int ordinal) throws IOException {
        int number = ordinal / CHUNK_ORDINALS;
        while (chunks.size() <= number) {
            chunks.add(index.map(FileChannel.MapMode.READ_WRITE, (long) chunks.size() * CHUNK_ORDINALS * INDEX_BYTES,
                    (long) CHUNK_ORDINALS * INDEX_BYTES));
        }
        return chunks.get(number);
    }

    /** The header line, then every line in ordinal order. */
    void writeTo(OutputStream out, String header) throws IOException {
        appender.flush();
        out.write(header.getBytes(StandardCharsets.UTF_8));
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        for (int ordinal = 0; ordinal < count; ordinal++) {
            ByteBuffer chunk = chunk(ordinal);
            int at = (ordinal % CHUNK_ORDINALS) * INDEX_BYTES;
            long offset = chunk.getLong(at);
            int length = chunk.getInt(at + 8);
            if (length > buffer.capacity()) {
                buffer = ByteBuffer.allocate(length);
            }
            buffer.clear().limit(length);
            while (buffer.hasRemaining()) {
                if (data.read(buffer, offset + buffer.position()) < 0) {
                    throw new IOException("the population's line " + ordinal + " is cut short");
                }
            }
            out.write(buffer.array(), 0, length);
        }
    }

    @Override
    public void close() {
        try {
            chunks.clear();
            appender.close();
            index.close();
            Files.deleteIfExists(directory.resolve("lines"));
            Files.deleteIfExists(directory.resolve("index"));
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
