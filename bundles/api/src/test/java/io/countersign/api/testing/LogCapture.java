package io.countersign.api.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Collects what slf4j-simple writes to standard error (it looks up {@code System.err} on every write). */
public final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    public LogCapture() {
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (captured) {
                    captured.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (captured) {
                    captured.write(bytes, offset, length);
                }
            }
        };
        System.setErr(new PrintStream(both, true, StandardCharsets.UTF_8));
    }

    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** The WARN and ERROR lines that mention {@code fragment}. */
    public boolean warned(String fragment) {
        return text().lines().anyMatch(line -> (line.contains(" WARN ") || line.contains(" ERROR "))
                && line.contains(fragment));
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
