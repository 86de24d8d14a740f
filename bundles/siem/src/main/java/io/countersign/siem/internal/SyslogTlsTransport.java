package io.countersign.siem.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Syslog over TLS (RFC 5425): RFC 5424 messages with octet-counting framing on one TLS connection, the server's
 * certificate checked against the configured CAs and its host name. Syslog has no acknowledgement, so an event counts
 * as confirmed once it was written {@code settleMillis} ago on a connection the receiver has not closed since: a
 * reader thread sees the receiver's close (or reset) at once, and then everything not yet settled is sent again on a
 * new connection. That is the window of duplicates (docs/siem.md); a receiver that loses what it took without
 * closing the connection (a host crash) can lose it, which HEC with indexer acknowledgment does not.
 */
final class SyslogTlsTransport implements Transport {

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final Syslog5424 syslog;
    private final long settleNanos;
    private final int connectTimeoutMillis;
    private final LongSupplier nanoTime;
    /** Events written on the current connection and not yet settled: {seq, written-at nanos}. */
    private final ArrayDeque<long[]> unsettled = new ArrayDeque<>();

    private volatile SSLSocket socket;
    private OutputStream out;
    private volatile boolean closedByReceiver;
    private long confirmed = -1;

    SyslogTlsTransport(String host, int port, SSLContext tls, Syslog5424 syslog, long settleMillis,
                       int connectTimeoutMillis, LongSupplier nanoTime) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.syslog = syslog;
        this.settleNanos = settleMillis * 1_000_000L;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.nanoTime = nanoTime;
    }

    @Override
    public long send(List<SiemEvent> events) throws IOException {
        check();
        if (confirmed < 0) {
            confirmed = events.get(0).seq();
        }
        if (socket == null) {
            connect();
        }
        try {
            for (SiemEvent event : events) {
                byte[] message = syslog.message(event);
                out.write(Syslog5424.lengthPrefix(message));
                out.write(message);
            }
            out.flush();
        } catch (IOException e) {
            disconnect();
            throw new IOException("syslog write to " + target() + " failed: " + e.getMessage(), e);
        }
        long now = nanoTime.getAsLong();
        for (SiemEvent event : events) {
            unsettled.add(new long[] {event.seq(), now});
        }
        return settle();
    }

    @Override
    public long confirmed() throws IOException {
        check();
        return settle();
    }

    private void check() throws IOException {
        if (closedByReceiver) {
            disconnect();
            throw new IOException("the syslog receiver " + target() + " closed the connection");
        }
    }

    private long settle() {
        long now = nanoTime.getAsLong();
        while (!unsettled.isEmpty() && now - unsettled.peekFirst()[1] >= settleNanos) {
            confirmed = unsettled.pollFirst()[0] + 1;
        }
        return confirmed;
    }

    private void connect() throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        try {
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            SSLParameters parameters = s.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(parameters);
            s.setSoTimeout(connectTimeoutMillis);
            s.startHandshake();
            s.setSoTimeout(0);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot connect to the syslog receiver " + target() + ": " + e.getMessage(), e);
        }
        socket = s;
        out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
        closedByReceiver = false;
        unsettled.clear();
        Thread reader = new Thread(() -> watch(s), "countersign-siem-syslog-reader-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    /** A syslog receiver never writes: a read returns only when it closes or resets the connection. */
    private void watch(SSLSocket s) {
        try (InputStream in = s.getInputStream()) {
            while (in.read() >= 0) {
                // nothing is expected from the receiver
            }
        } catch (IOException e) {
            // reset, or our own close
        }
        if (s == socket) {
            closedByReceiver = true;
        }
    }

    private void disconnect() {
        SSLSocket s = socket;
        socket = null;
        out = null;
        unsettled.clear();
        closedByReceiver = false;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public String target() {
        return "syslog+tls://" + host + ":" + port;
    }

    @Override
    public void close() {
        disconnect();
    }
}
