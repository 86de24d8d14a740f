package io.countersign.journal.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/** Walks the records of one segment file from a given offset; see FORMAT.md for the layout. */
final class SegmentCursor {

    static final int HEADER_BYTES = 8;
    static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

    enum Step { RECORD, END, BAD }

    private final FileChannel channel;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer;
    private long bufferStart;
    private long offset;

    private long recordOffset;
    private byte[] payload;
    private String problem;
    private long badEnd;

    SegmentCursor(FileChannel channel, long start, int bufferBytes) throws IOException {
        this.channel = channel;
        this.size = channel.size();
        this.buffer = ByteBuffer.allocate(bufferBytes).limit(0);
        this.offset = start;
    }

    /** Reads the record at the current offset and moves past it if it is sound. */
    Step next() throws IOException {
        recordOffset = offset;
        payload = null;
        long remaining = size - offset;
        if (remaining <= 0) {
            return Step.END;
        }
        if (remaining < HEADER_BYTES) {
            // A segment filled to within a header's length of its end is simply full.
            fill(offset, (int) remaining);
            for (int i = 0; i < remaining; i++) {
                if (buffer.get((int) (offset - bufferStart) + i) != 0) {
                    return bad("only " + remaining + " bytes remain, less than a record header", size);
                }
            }
            return Step.END;
        }
        fill(offset, HEADER_BYTES);
        int at = (int) (offset - bufferStart);
        long length = Integer.toUnsignedLong(buffer.getInt(at));
        int storedCrc = buffer.getInt(at + 4);
        if (length == 0) {
            return storedCrc == 0 ? Step.END : bad("a zero length with a non-zero CRC", offset + HEADER_BYTES);
        }
        if (length > MAX_PAYLOAD_BYTES || length > remaining - HEADER_BYTES) {
            return bad("the length field says " + length + " bytes but " + (remaining - HEADER_BYTES)
                    + " remain in the file", size);
        }
        int total = HEADER_BYTES + (int) length;
        fill(offset, total);
        at = (int) (offset - bufferStart);
        byte[] bytes = new byte[(int) length];
        buffer.get(at + HEADER_BYTES, bytes);
        crc.reset();
        crc.update(bytes);
        if ((int) crc.getValue() != storedCrc) {
            return bad("the CRC32C of the payload does not match the record header", offset + total);
        }
        payload = bytes;
        offset += total;
        return Step.RECORD;
    }

    /** Where the last record read starts (or the end marker, or the bad record). */
    long recordOffset() {
        return recordOffset;
    }

    /** Where the next record would start. */
    long offset() {
        return offset;
    }

    long size() {
        return size;
    }

    byte[] payload() {
        return payload;
    }

    String problem() {
        return problem;
    }

    /** The end of the bad record as its header describes it, or the end of the file if the header is unusable. */
    long badEnd() {
        return badEnd;
    }

    private Step bad(String what, long end) {
        problem = what;
        badEnd = end;
        return Step.BAD;
    }

    private void fill(long position, int length) throws IOException {
        if (position >= bufferStart && position + length <= bufferStart + buffer.limit()) {
            return;
        }
        if (length > buffer.capacity()) {
            buffer = ByteBuffer.allocate(length);
        }
        buffer.clear();
        bufferStart = position;
        long want = Math.min(buffer.capacity(), size - position);
        buffer.limit((int) want);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("segment shrank while being read at offset " + (position + buffer.position()));
            }
        }
        buffer.flip();
        if (buffer.limit() < length) {
            throw new EOFException("segment shrank while being read at offset " + position);
        }
    }
}
