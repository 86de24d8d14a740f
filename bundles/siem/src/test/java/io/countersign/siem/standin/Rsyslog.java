package io.countersign.siem.standin;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private rsyslogd (Debian's, installed by itests/scripts/install-rsyslog.sh) with its own configuration, pid file
 * and work directory: an RFC 5425 listener (imtcp, GnuTLS stream driver, mutual X.509 authentication) on a free port
 * of 127.0.0.1 writing every message it receives, raw, one per line, to {@code received.log}. The certificates (a CA,
 * the server's for 127.0.0.1, the client's as PKCS#12) are made with openssl for each run. Used by SiemIT,
 * SecurityEventsIT and the SIEM benchmark; test code, never shipped.
 */
public final class Rsyslog implements AutoCloseable {

    public static final String KEYSTORE_PASSWORD = "siem-it-keystore";
    private static final Pattern SEQ = Pattern.compile("\\[countersign@32473 seq=\"(\\d+)\" hash=\"(sha256:[0-9a-f]{64})\"");

    private final Path dir;
    private final int port;
    private Process process;

    private Rsyslog(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static Rsyslog create(Path dir) throws IOException, InterruptedException {
        if (!Files.exists(Path.of("/usr/sbin/rsyslogd")) || !gtls()) {
            throw new IllegalStateException("rsyslogd with its gtls driver is missing: run itests/scripts/install-rsyslog.sh");
        }
        Files.createDirectories(dir.resolve("work"));
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=Countersign test syslog CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        certificate(dir, "server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                + "extendedKeyUsage=serverAuth\n");
        certificate(dir, "client", "/CN=countersign", "extendedKeyUsage=clientAuth\n");
        run(dir, "openssl", "pkcs12", "-export", "-in", "client.pem", "-inkey", "client-key.pem", "-out", "client.p12",
                "-passout", "pass:" + KEYSTORE_PASSWORD, "-name", "client");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(dir.resolve("rsyslog.conf"), """
                global(workDirectory="%1$s/work" maxMessageSize="64k"
                       defaultNetstreamDriver="gtls"
                       defaultNetstreamDriverCAFile="%1$s/ca.pem"
                       defaultNetstreamDriverCertFile="%1$s/server.pem"
                       defaultNetstreamDriverKeyFile="%1$s/server-key.pem")
                module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1"
                       streamDriver.authMode="x509/certvalid" maxSessions="20")
                template(name="raw" type="string" string="%%rawmsg%%\\n")
                ruleset(name="siem") {
                  action(type="omfile" file="%1$s/received.log" template="raw" asyncWriting="off"
                         flushOnTXEnd="on")
                }
                input(type="imtcp" port="%2$d" address="127.0.0.1" ruleset="siem")
                """.formatted(dir.toAbsolutePath(), port));
        return new Rsyslog(dir, port);
    }

    private static boolean gtls() {
        for (String lib : new String[] {"/usr/lib/x86_64-linux-gnu/rsyslog", "/usr/lib/aarch64-linux-gnu/rsyslog",
                "/usr/lib/rsyslog"}) {
            if (Files.exists(Path.of(lib, "lmnsd_gtls.so"))) {
                return true;
            }
        }
        return false;
    }

    private static void certificate(Path dir, String name, String subject, String extensions)
            throws IOException, InterruptedException {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out",
                name + ".csr", "-subj", subject);
        run(dir, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder("/usr/sbin/rsyslogd", "-n", "-f", dir.resolve("rsyslog.conf").toString(),
                "-i", dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("rsyslogd.out").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IOException("rsyslogd ended: " + Files.readString(dir.resolve("rsyslogd.out")));
                }
                Thread.sleep(100);
            }
        }
        throw new IOException("rsyslogd does not listen on " + port);
    }

    /** SIGTERM, and waits until it has written what it took and exited. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    public String target() {
        return "127.0.0.1:" + port;
    }

    /** Where rsyslog writes what it receives: raw, one message per line. */
    public Path log() {
        return dir.resolve("received.log");
    }

    /** How much rsyslog has written so far. */
    public long bytes() throws IOException {
        return Files.exists(log()) ? Files.size(log()) : 0;
    }

    public Path dir() {
        return dir;
    }

    public record Received(long seq, String hash) {
    }

    /** What rsyslog wrote, in the order it received it. */
    public List<Received> received() throws IOException {
        List<Received> all = new ArrayList<>();
        Path log = log();
        if (!Files.exists(log)) {
            return all;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = SEQ.matcher(line);
            if (!m.find()) {
                throw new IllegalStateException("rsyslog received a message without the seq and hash: " + line);
            }
            all.add(new Received(Long.parseLong(m.group(1)), m.group(2)));
        }
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
