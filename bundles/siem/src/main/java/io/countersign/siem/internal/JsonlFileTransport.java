package io.countersign.siem.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A local file of one event per line, fsynced per batch (a batch is confirmed once it is on disk). When the file
 * would pass {@code maxBytes} it is renamed {@code <name>.1} (the older ones shifted to {@code .2} … and the one past
 * {@code maxFiles} deleted), so the export never holds more than {@code maxFiles × maxBytes} of disk.
 */
final class JsonlFileTransport implements Transport {

    private final Path file;
    private final long maxBytes;
    private final int maxFiles;
    private FileChannel channel;
    private long confirmed = -1;

    JsonlFileTransport(Path file, long maxBytes, int maxFiles) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    @Override
    public long send(List<SiemEvent> events) throws IOException {
        StringBuilder lines = new StringBuilder(events.size() * 512);
        for (SiemEvent event : events) {
            lines.append(event.body()).append('\n');
        }
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        try {
            if (channel == null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            }
            if (channel.size() > 0 && channel.size() + bytes.length > maxBytes) {
                rotate();
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            close();
            throw e;
        }
        confirmed = events.get(events.size() - 1).seq() + 1;
        return confirmed;
    }

    private void rotate() throws IOException {
        channel.close();
        channel = null;
        Files.deleteIfExists(rotated(maxFiles));
        for (int i = maxFiles - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(file, rotated(1), StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(rotated(maxFiles));
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    Path rotated(int generation) {
        return file.resolveSibling(file.getFileName() + "." + generation);
    }

    @Override
    public long confirmed() {
        return confirmed;
    }

    @Override
    public String target() {
        return file.toString();
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
            channel = null;
        }
    }
}
