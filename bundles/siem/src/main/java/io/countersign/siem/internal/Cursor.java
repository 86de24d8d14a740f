package io.countersign.siem.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A sink's persisted position: the seq of the next entry it must deliver and the hash of the entry before it (so a
 * cursor never silently follows another journal). Written to a temporary file, fsynced, renamed over the old one and
 * the directory fsynced: after a crash it is the old position or the new one, never a torn one.
 */
final class Cursor {

    /** The next seq to deliver and the hash of entry {@code next - 1} (empty at 0). */
    record Position(long next, String lastHash) {
        static final Position START = new Position(0, "");
    }

    private final Path file;

    Cursor(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    Position read() throws IOException {
        if (!Files.exists(file)) {
            return Position.START;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        String[] parts = text.split(" ", -1);
        if (parts.length != 2) {
            throw new IOException("damaged SIEM cursor " + file + ": '" + text + "'");
        }
        try {
            return new Position(Long.parseLong(parts[0]), parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("damaged SIEM cursor " + file + ": '" + text + "'", e);
        }
    }

    void write(Position position) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] bytes = (position.next() + " " + position.lastHash() + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + file + " atomically", e);
        }
        try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }
}
