package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/** Reads and damages segment files byte by byte, independently of the production reader. */
final class RawSegments {

    record RawRecord(Path segment, long offset, int length, int crc, byte[] payload) {

        long end() {
            return offset + 8 + length;
        }
    }

    private RawSegments() {
    }

    static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().matches("segment-\\d{20}\\.log")).sorted().toList();
        }
    }

    /** Every record up to the first zero length field of each segment. */
    static List<RawRecord> records(Path directory) throws IOException {
        List<RawRecord> records = new ArrayList<>();
        for (Path segment : files(directory)) {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
            while (bytes.remaining() >= 8) {
                int offset = bytes.position();
                int length = bytes.getInt();
                int crc = bytes.getInt();
                if (length == 0) {
                    break;
                }
                byte[] payload = new byte[length];
                bytes.get(payload);
                records.add(new RawRecord(segment, offset, length, crc, payload));
            }
        }
        return records;
    }

    static int crc32c(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue();
    }

    static void writeAt(Path file, long offset, byte[] bytes) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer, offset + buffer.position());
            }
        }
    }

    static byte[] readAt(Path file, long offset, int length) throws IOException {
        byte[] all = Files.readAllBytes(file);
        byte[] out = new byte[length];
        System.arraycopy(all, (int) offset, out, 0, length);
        return out;
    }

    /** Replaces a record's payload (same length or longer into the zeros after it) with a matching header. */
    static void rewrite(RawRecord record, byte[] payload, boolean fixCrc) throws IOException {
        int crc = fixCrc ? crc32c(payload) : record.crc();
        ByteBuffer header = ByteBuffer.allocate(8).putInt(payload.length).putInt(crc);
        writeAt(record.segment(), record.offset(), header.array());
        writeAt(record.segment(), record.offset() + 8, payload);
    }

    static boolean allZero(Path file, long from) throws IOException {
        byte[] all = Files.readAllBytes(file);
        for (int i = (int) from; i < all.length; i++) {
            if (all[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
