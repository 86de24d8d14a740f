package io.countersign.audit.fabric.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How to reach Fabric and how to anchor. Paths name files (the private key is read from its file, never given
 * here); durations are positive.
 *
 * @param peerEndpoint {@code host:port} of the organisation's gateway peer
 * @param tlsRootCert PEM file of the CA that signed the peer's TLS certificate
 * @param serverNameOverride the name the peer's TLS certificate carries when the endpoint's host is not in it, or
 *        {@code null}
 * @param certificate PEM file of the client's X.509 certificate (cryptogen: {@code msp/signcerts/*.pem})
 * @param privateKey PEM file of the client's private key (cryptogen: {@code msp/keystore/priv_sk})
 * @param window how often the newest checkpoint is looked at and a batch anchored
 * @param maxBatchEntries the most entries one transaction anchors, unless one segment alone holds more
 */
public record AnchorOptions(String peerEndpoint, Path tlsRootCert, String serverNameOverride, String mspId,
                            Path certificate, Path privateKey, String channel, String chaincode, Duration window,
                            int maxBatchEntries, Duration evaluateTimeout, Duration endorseTimeout,
                            Duration submitTimeout, Duration commitStatusTimeout, Duration retryInitial,
                            Duration retryMax) {

    public static final String DEFAULT_CHANNEL = "countersign";
    public static final String DEFAULT_CHAINCODE = "anchors";
    public static final long DEFAULT_WINDOW_MILLIS = 1000;
    public static final int DEFAULT_MAX_BATCH_ENTRIES = 100_000;
    public static final long DEFAULT_EVALUATE_TIMEOUT_MILLIS = 5_000;
    public static final long DEFAULT_ENDORSE_TIMEOUT_MILLIS = 15_000;
    public static final long DEFAULT_SUBMIT_TIMEOUT_MILLIS = 5_000;
    public static final long DEFAULT_COMMIT_STATUS_TIMEOUT_MILLIS = 60_000;
    public static final long DEFAULT_RETRY_INITIAL_MILLIS = 500;
    public static final long DEFAULT_RETRY_MAX_MILLIS = 30_000;

    /** @throws IllegalArgumentException naming every setting that is missing or wrong */
    public AnchorOptions {
        serverNameOverride = blankToNull(serverNameOverride);
        List<String> problems = new ArrayList<>();
        checkEndpoint(peerEndpoint, problems);
        checkFile("tlsRootCertPath", tlsRootCert, problems);
        checkFile("certificatePath", certificate, problems);
        checkFile("privateKeyPath", privateKey, problems);
        checkPresent("mspId", mspId, problems);
        checkPresent("channel", channel, problems);
        checkPresent("chaincode", chaincode, problems);
        checkPositive("windowMillis", window, problems);
        checkPositive("evaluateTimeoutMillis", evaluateTimeout, problems);
        checkPositive("endorseTimeoutMillis", endorseTimeout, problems);
        checkPositive("submitTimeoutMillis", submitTimeout, problems);
        checkPositive("commitStatusTimeoutMillis", commitStatusTimeout, problems);
        checkPositive("retryInitialMillis", retryInitial, problems);
        checkPositive("retryMaxMillis", retryMax, problems);
        if (maxBatchEntries < 1) {
            problems.add("maxBatchEntries must be at least 1, not " + maxBatchEntries);
        }
        if (retryInitial != null && retryMax != null && retryMax.compareTo(retryInitial) < 0) {
            problems.add("retryMaxMillis (" + retryMax.toMillis() + ") must not be below retryInitialMillis ("
                    + retryInitial.toMillis() + ")");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Fabric audit configuration (io.countersign.audit.fabric): "
                    + String.join("; ", problems));
        }
    }

    /**
     * Options from the keys of {@code etc/io.countersign.audit.fabric.cfg} (the file {@code ledger-network/network.sh}
     * writes), with the same defaults as the OSGi configuration.
     */
    public static AnchorOptions fromProperties(Map<?, ?> properties) {
        Function<String, String> text = key -> {
            Object value = properties.get(key);
            return value == null ? null : value.toString().trim();
        };
        return new AnchorOptions(text.apply("peerEndpoint"), path(text.apply("tlsRootCertPath")),
                text.apply("serverNameOverride"), text.apply("mspId"), path(text.apply("certificatePath")),
                path(text.apply("privateKeyPath")), orDefault(text.apply("channel"), DEFAULT_CHANNEL),
                orDefault(text.apply("chaincode"), DEFAULT_CHAINCODE),
                millis(text, "windowMillis", DEFAULT_WINDOW_MILLIS),
                wholeInt(number(text, "maxBatchEntries", DEFAULT_MAX_BATCH_ENTRIES)),
                millis(text, "evaluateTimeoutMillis", DEFAULT_EVALUATE_TIMEOUT_MILLIS),
                millis(text, "endorseTimeoutMillis", DEFAULT_ENDORSE_TIMEOUT_MILLIS),
                millis(text, "submitTimeoutMillis", DEFAULT_SUBMIT_TIMEOUT_MILLIS),
                millis(text, "commitStatusTimeoutMillis", DEFAULT_COMMIT_STATUS_TIMEOUT_MILLIS),
                millis(text, "retryInitialMillis", DEFAULT_RETRY_INITIAL_MILLIS),
                millis(text, "retryMaxMillis", DEFAULT_RETRY_MAX_MILLIS));
    }

    public AnchorOptions withWindow(Duration newWindow) {
        return new AnchorOptions(peerEndpoint, tlsRootCert, serverNameOverride, mspId, certificate, privateKey,
                channel, chaincode, newWindow, maxBatchEntries, evaluateTimeout, endorseTimeout, submitTimeout,
                commitStatusTimeout, retryInitial, retryMax);
    }

    public AnchorOptions withMaxBatchEntries(int newMaxBatchEntries) {
        return new AnchorOptions(peerEndpoint, tlsRootCert, serverNameOverride, mspId, certificate, privateKey,
                channel, chaincode, window, newMaxBatchEntries, evaluateTimeout, endorseTimeout, submitTimeout,
                commitStatusTimeout, retryInitial, retryMax);
    }

    public String host() {
        return peerEndpoint.substring(0, peerEndpoint.lastIndexOf(':'));
    }

    public int port() {
        return Integer.parseInt(peerEndpoint.substring(peerEndpoint.lastIndexOf(':') + 1));
    }

    static Path path(String text) {
        return text == null || text.isBlank() ? null : Path.of(text.trim());
    }

    private static String orDefault(String text, String fallback) {
        return text == null || text.isBlank() ? fallback : text;
    }

    private static Duration millis(Function<String, String> text, String key, long fallback) {
        return Duration.ofMillis(number(text, key, fallback));
    }

    private static long number(Function<String, String> text, String key, long fallback) {
        String value = text.apply(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Fabric audit configuration (io.countersign.audit.fabric): " + key
                    + " must be a whole number, not '" + value + "'");
        }
    }

    private static int wholeInt(long value) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    private static void checkEndpoint(String endpoint, List<String> problems) {
        if (endpoint == null || endpoint.isBlank()) {
            problems.add("peerEndpoint is required (host:port of the gateway peer)");
            return;
        }
        int colon = endpoint.lastIndexOf(':');
        boolean valid = colon > 0 && colon < endpoint.length() - 1;
        if (valid) {
            try {
                int port = Integer.parseInt(endpoint.substring(colon + 1));
                valid = port > 0 && port < 65536;
            } catch (NumberFormatException e) {
                valid = false;
            }
        }
        if (!valid) {
            problems.add("peerEndpoint must be host:port with a port from 1 to 65535, not '" + endpoint + "'");
        }
    }

    private static void checkFile(String key, Path file, List<String> problems) {
        if (file == null) {
            problems.add(key + " is required");
        } else if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            problems.add(key + " names no readable file: " + file);
        }
    }

    private static void checkPresent(String key, String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add(key + " is required");
        }
    }

    private static void checkPositive(String key, Duration value, List<String> problems) {
        if (value == null || value.isNegative() || value.isZero()) {
            problems.add(key + " must be positive");
        }
    }
}
