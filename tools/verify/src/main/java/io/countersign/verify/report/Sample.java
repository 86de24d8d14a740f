package io.countersign.verify.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.verify.VerifiedEvidence;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The sampling manifest (docs/report-format.md §5): a sample of the population that anyone can draw again. The seed
 * is SHA-256 of the period and the closing checkpoint, which nobody could choose before the period closed; each
 * request's rank is SHA-256(seed ‖ request id); the sample is the {@code size} requests of lowest rank.
 */
final class Sample {

    static final int DEFAULT_SIZE = 25;

    private Sample() {
    }

    /** SHA-256 of the period and the checkpoint that closes it: nobody could choose it before the period ended. */
    static byte[] seed(VerifiedEvidence evidence) {
        return sha256(("countersign-report-sample/1\n" + evidence.origin() + "\n" + evidence.checkpointSize()
                + "\n" + evidence.checkpointRoot() + "\n" + evidence.from() + "\n" + evidence.to() + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode of(Period period, VerifiedEvidence evidence) {
        String seedHex = HexFormat.of().formatHex(seed(evidence));
        List<String> chosen = period.sample();
        ObjectNode sample = JsonNodeFactory.instance.objectNode();
        sample.put("format", ReportFormat.FORMAT);
        sample.put("method", "the requests of lowest SHA-256(seed || UTF-8 request id), seed = SHA-256 of "
                + "\"countersign-report-sample/1\\n\" origin \\n checkpointSize \\n checkpointRoot \\n from \\n to \\n");
        sample.put("seed", seedHex);
        sample.put("population", period.populationSize());
        sample.put("size", chosen.size());
        chosen.forEach(sample.putArray("requests")::add);
        return sample;
    }

    static String rank(byte[] seed, String request) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(seed);
            digest.update(request.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
