package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The journal's derived files ({@code seal.bin}, {@code segment-….idx}, {@code scrub.bin}): written whole and
 * atomically, each ending in a CRC-32C of what precedes it. Any of them may be missing or wrong; a reader that cannot
 * use one says why ({@link Unusable}) and the journal rebuilds what it held from the segments.
 */
final class DerivedFile {

    static final String TMP_SUFFIX = ".tmp";
    static final int CRC_BYTES = 4;

    private DerivedFile() {
    }

    /** Why a derived file was not used; the caller logs it and rebuilds. */
    static final class Unusable extends Exception {

        private static final long serialVersionUID = 1L;

        Unusable(String why) {
            super(why);
        }
    }

    /**
     * Replaces {@code file} with {@code content} so that a crash leaves either the old or the new file: write a
     * temporary file, force it, rename it over the old one, fsync the directory (the rename is only durable then).
     */
    static void writeAtomically(ChannelOpener opener, Path file, ByteBuffer content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
        try (FileChannel channel = opener.open(tmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(false);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SegmentFiles.fsyncDirectory(opener, file.getParent());
    }

    /** The file's bytes, or null when there is no such file. */
    static byte[] readIfPresent(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Appends the CRC-32C of {@code buffer[0, position)} and flips the buffer for writing. */
    static ByteBuffer sealWithCrc(ByteBuffer buffer) {
        buffer.putInt(crc(buffer.array(), buffer.position()));
        return buffer.flip();
    }

    /** Whether the last four bytes are the CRC-32C of the ones before them. */
    static boolean crcHolds(byte[] bytes) {
        if (bytes.length < CRC_BYTES) {
            return false;
        }
        int length = bytes.length - CRC_BYTES;
        return ByteBuffer.wrap(bytes).getInt(length) == crc(bytes, length);
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    /**
     * Deletes the temporary files a crash may have left while a derived file was written: they were never renamed
     * into place, so nothing refers to them. The spare segment is the preallocator's.
     */
    static void deleteLeftovers(Path directory) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + TMP_SUFFIX)) {
            for (Path file : files) {
                if (!file.getFileName().toString().equals(SegmentFiles.SPARE)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
