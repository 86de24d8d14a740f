package io.countersign.ledger.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Reads a file of newline-terminated lines in one pass, holding at most one line in memory. */
final class BoundedLines {

    private static final int CHUNK_BYTES = 64 * 1024;

    /** Receives one complete line: its offset in the file and its bytes, without the newline. */
    @FunctionalInterface
    interface Consumer {
        void line(long offset, byte[] bytes, int length) throws IOException;
    }

    private BoundedLines() {
    }

    /**
     * Hands every complete line from byte {@code from} (the start of a line) to {@code consumer}, in order; returns the
     * offset just after the last newline, where an unterminated tail (if any) starts.
     *
     * @param maxLineBytes the longest line allowed, its newline included
     * @throws IOException if a line, terminated or not, is longer than {@code maxLineBytes}; it names the line's offset
     */
    static long read(FileChannel channel, Path path, int maxLineBytes, long from, Consumer consumer)
            throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
        byte[] line = new byte[maxLineBytes - 1];
        int length = 0;
        long lineStart = from;
        long position = from;
        for (int read; (read = channel.read(chunk.clear(), position)) >= 0; position += read) {
            chunk.flip();
            while (chunk.hasRemaining()) {
                byte next = chunk.get();
                if (next == '\n') {
                    consumer.line(lineStart, line, length);
                    lineStart += length + 1;
                    length = 0;
                } else if (length == line.length) {
                    throw new IOException(path + " at byte " + lineStart + ": a line longer than " + maxLineBytes
                            + " bytes: the file is damaged");
                } else {
                    line[length++] = next;
                }
            }
        }
        return lineStart;
    }
}
