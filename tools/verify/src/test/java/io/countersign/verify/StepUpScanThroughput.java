package io.countersign.verify;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * Benchmark, not a test: what the step-up re-check (§6.6, {@link StepUpChecks}) adds to the verifier's entry
 * pipeline (decoding on a pool of two threads, as on the 2-core reference machine): one byte search per decision and
 * vote line, and a parse and an ECDSA verification for each line that concerns step-up. Timed on entries in memory
 * with and without the step-up checks, so the difference is theirs, not the disk's or the ZIP's. Run from the
 * repository root:
 *
 * <pre>
 * mvn -q -f tools/verify/pom.xml test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp
 * java -cp tools/verify/target/test-classes:tools/verify/target/classes:$(cat tools/verify/target/test.cp) \
 *      io.countersign.verify.StepUpScanThroughput [entries, default 1000000] [step-up votes, default 10000]
 * </pre>
 *
 * It writes {@code bench/results/stepup-verify-TIME.json}.
 */
public final class StepUpScanThroughput {
    private static final int RUNS = 5;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private StepUpScanThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int votes = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        byte[] plain = plainLog(entries);
        byte[] stepUps = stepUpLog(votes);
        double[] without = time(plain, false, 0);
        double[] with = time(plain, true, 0);
        double[] checks = time(stepUps, true, votes);
        double[] checksWithout = time(stepUps, false, 0);
        String result = String.format(Locale.ROOT, "{\"benchmark\":\"stepup-verify\",\"at\":\"%s\",\"cores\":%d,"
                        + "\"load\":\"%s\",\"entries\":%d,\"pipelineMsMedian\":%.1f,\"withStepUpMsMedian\":%.1f,"
                        + "\"addedPercent\":%.1f,\"stepUpVotes\":%d,\"stepUpLogMsMedian\":%.1f,"
                        + "\"stepUpLogWithoutChecksMsMedian\":%.1f,\"microsPerStepUpVote\":%.1f}%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).trim(), entries,
                without[1], with[1], (with[1] - without[1]) * 100 / without[1], votes, checks[1], checksWithout[1],
                (checks[1] - checksWithout[1]) * 1000 / votes);
        System.out.print(result);
        Path results = Files.createDirectories(Path.of("bench", "results"));
        Files.writeString(results.resolve("stepup-verify-" + Instant.now().toString().replace(':', '-') + ".json"),
                result);
    }

    /** Best and median milliseconds of the pipeline; fails unless every step-up vote verified. */
    private static double[] time(byte[] log, boolean stepUp, int expectVerified) throws Exception {
        double[] ms = new double[RUNS];
        for (int run = 0; run < RUNS; run++) {
            Findings findings = new Findings();
            StepUpChecks checks = new StepUpChecks(findings, false);
            EntryPipeline pipeline = new EntryPipeline(2);
            if (stepUp) {
                pipeline.withStepUps(checks);
            }
            long started = System.nanoTime();
            pipeline.run(new ByteArrayInputStream(log), (line, entry) -> { });
            ms[run] = (System.nanoTime() - started) / 1e6;
            if (!findings.ok() || checks.assertionsVerified() != expectVerified) {
                throw new AssertionError(findings.failures() + " verified " + checks.assertionsVerified());
            }
        }
        java.util.Arrays.sort(ms);
        return new double[] {ms[0], ms[RUNS / 2]};
    }

    /** Review traffic without step-up: lines the size and shape of real ones, none naming step-up. */
    private static byte[] plainLog(int entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(entries * 420);
        for (int seq = 0; seq < entries; seq++) {
            String request = "req-" + (seq / 6);
            String line = "{\"data\":{\"at\":\"2026-12-07T10:00:00.000000001Z\",\"channel\":\"slack\",\"comment\":"
                    + "\"looks right\",\"digest\":\"sha256:" + "ab".repeat(32) + "\",\"groups\":[\"security\"],"
                    + "\"request\":\"" + request + "\",\"reviewer\":\"bob\",\"verdict\":\"approve\"},\"prev\":"
                    + "\"sha256:" + "cd".repeat(32) + "\",\"seq\":" + seq + ",\"time\":\"2026-12-07T10:00:00Z\","
                    + "\"type\":\"review.accepted\"}\n";
            out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** One registration, then {@code votes} step-up requests each with its decision and its approval. */
    private static byte[] stepUpLog(int votes) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        ECPublicKey key = (ECPublicKey) keys.getPublic();
        ByteArrayOutputStream cose = new ByteArrayOutputStream();
        cose.writeBytes(new byte[] {(byte) 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20});
        cose.writeBytes(fixed32(key.getW().getAffineX()));
        cose.writeBytes(new byte[] {0x22, 0x58, 0x20});
        cose.writeBytes(fixed32(key.getW().getAffineY()));
        String rpId = "console.example.com";
        String origin = "https://" + rpId;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("{\"data\":{\"aaguid\":\"00000000-0000-0000-0000-000000000000\",\"algorithm\":-7,\"at\":"
                + "\"2026-12-07T09:00:00Z\",\"credentialId\":\"Y3JlZA\",\"name\":\"laptop\",\"origin\":\"" + origin
                + "\",\"publicKey\":\"" + B64.encodeToString(cose.toByteArray()) + "\",\"reviewer\":\"bob\","
                + "\"rpId\":\"" + rpId + "\",\"signCount\":0},\"prev\":\"sha256:" + "cd".repeat(32)
                + "\",\"seq\":0,\"time\":\"2026-12-07T09:00:00Z\",\"type\":\"passkey.registered\"}\n")
                .getBytes(StandardCharsets.UTF_8));
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] rpIdHash = sha256.digest(rpId.getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        long seq = 1;
        for (int vote = 1; vote <= votes; vote++) {
            String request = "req-" + vote;
            String digest = "sha256:" + "ab".repeat(32);
            out.writeBytes(("{\"data\":{\"request\":\"" + request + "\",\"route\":{\"stepUp\":true}},\"prev\":\"sha256:"
                    + "cd".repeat(32) + "\",\"seq\":" + seq++ + ",\"time\":\"2026-12-07T10:00:00Z\","
                    + "\"type\":\"policy.decided\"}\n").getBytes(StandardCharsets.UTF_8));
            byte[] challenge = sha256.digest(("countersign-step-up-v1\n" + request + "\n" + digest)
                    .getBytes(StandardCharsets.UTF_8));
            ByteBuffer authenticatorData = ByteBuffer.allocate(37).put(rpIdHash).put((byte) 0x05).putInt(vote);
            byte[] clientData = ("{\"type\":\"webauthn.get\",\"challenge\":\"" + B64.encodeToString(challenge)
                    + "\",\"origin\":\"" + origin + "\"}").getBytes(StandardCharsets.UTF_8);
            signer.initSign(keys.getPrivate());
            signer.update(authenticatorData.array());
            signer.update(sha256.digest(clientData));
            out.writeBytes(("{\"data\":{\"digest\":\"" + digest + "\",\"evidence\":{\"artifact\":{\"stepUp\":{"
                    + "\"authenticatorData\":\"" + B64.encodeToString(authenticatorData.array())
                    + "\",\"clientDataJSON\":\"" + B64.encodeToString(clientData) + "\",\"credentialId\":\"Y3JlZA\","
                    + "\"signature\":\"" + B64.encodeToString(signer.sign()) + "\"}}},\"request\":\"" + request
                    + "\",\"reviewer\":\"bob\",\"verdict\":\"approve\"},\"prev\":\"sha256:" + "cd".repeat(32)
                    + "\",\"seq\":" + seq++ + ",\"time\":\"2026-12-07T10:00:00Z\",\"type\":\"review.accepted\"}\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static byte[] fixed32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return fixed;
    }
}
