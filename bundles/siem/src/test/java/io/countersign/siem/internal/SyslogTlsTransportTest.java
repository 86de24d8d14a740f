package io.countersign.siem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS transport against an in-process RFC 5425 receiver (a server key made with the JDK's keytool). */
class SyslogTlsTransportTest {

    @TempDir
    static Path dir;
    private static SSLContext serverTls;

    @BeforeAll
    static void keys() throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-keystore", dir.resolve("server.p12").toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2");
        run(keytool, "-exportcert", "-rfc", "-keystore", dir.resolve("server.p12").toString(), "-storepass",
                "changeit", "-alias", "server", "-file", dir.resolve("server.pem").toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    /** Accepts connections one at a time and records the seq of every frame; {@link #drop} closes the current one. */
    static final class Receiver implements AutoCloseable {
        private static final Pattern SEQ = Pattern.compile("seq=\"(\\d+)\"");
        final SSLServerSocket server;
        final List<Long> seqs = new CopyOnWriteArrayList<>();
        volatile SSLSocket current;

        Receiver() throws IOException {
            server = (SSLServerSocket) serverTls.getServerSocketFactory().createServerSocket(0, 5,
                    java.net.InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::serve, "receiver");
            t.setDaemon(true);
            t.start();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    current = socket;
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    while (true) {
                        byte[] frame = Syslog5424Test.readFrame(in);
                        Matcher m = SEQ.matcher(new String(frame, StandardCharsets.UTF_8));
                        if (!m.find()) {
                            break;
                        }
                        seqs.add(Long.parseLong(m.group(1)));
                    }
                } catch (IOException e) {
                    // connection closed
                }
            }
        }

        void drop() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (current == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            SSLSocket socket = current;
            current = null;
            socket.setSoLinger(true, 0); // a reset, as from a receiver that went away
            Thread closer = new Thread(() -> {
                try {
                    socket.close();
                } catch (IOException e) {
                    // gone
                }
            });
            closer.setDaemon(true);
            closer.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static List<SiemEvent> events(long from, int count) {
        List<SiemEvent> events = new ArrayList<>();
        for (long seq = from; seq < from + count; seq++) {
            events.add(new SiemEvent(seq, "sha256:x", Instant.EPOCH, "t", 1, "{\"n\":" + seq + "}"));
        }
        return events;
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        boolean met;
        while (!(met = condition.getAsBoolean()) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(met);
    }

    @Test
    void eventsSettleOnlyAfterTheWindowAndAReceiverCloseFailsTheUnsettledOnes() throws Exception {
        AtomicLong now = new AtomicLong();
        try (Receiver receiver = new Receiver()) {
            SyslogTlsTransport transport = new SyslogTlsTransport("127.0.0.1", receiver.port(),
                    Tls.context(dir.resolve("server.pem").toString(), "", new char[0]),
                    new Syslog5424(13, "h", "countersign"), 1000, 5000, now::get);
            assertEquals(0, transport.send(events(0, 5)), "nothing settles before the window");
            now.addAndGet(1_000_000_000L);
            assertEquals(5, transport.confirmed(), "written a window ago on a live connection: settled");
            assertEquals(5, transport.send(events(5, 5)));
            await(() -> receiver.seqs.size() == 10);

            receiver.drop(); // the receiver closes: 5..9 are not settled and must be sent again
            await(() -> {
                try {
                    transport.confirmed();
                    return false;
                } catch (IOException e) {
                    return true;
                }
            });
            now.addAndGet(5_000_000_000L);
            assertEquals(5, transport.send(events(5, 5)), "a new connection; the resent events start a new window");
            now.addAndGet(1_000_000_000L);
            assertEquals(10, transport.confirmed());
            await(() -> receiver.seqs.size() == 15);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 5L, 6L, 7L, 8L, 9L), receiver.seqs);
            transport.close();
        }
    }

    @Test
    void aServerCertificateOfAnUntrustedCaIsRefused() throws Exception {
        try (Receiver receiver = new Receiver()) {
            // the JVM's CAs do not know the test key: the handshake fails, nothing is confirmed
            SyslogTlsTransport transport = new SyslogTlsTransport("127.0.0.1", receiver.port(),
                    Tls.context("", "", new char[0]), new Syslog5424(13, "h", "a"), 0, 5000, System::nanoTime);
            IOException e = assertThrows(IOException.class, () -> transport.send(events(0, 1)));
            assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
            assertTrue(receiver.seqs.isEmpty());
        }
    }
}
