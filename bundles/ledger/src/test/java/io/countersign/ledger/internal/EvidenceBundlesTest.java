package io.countersign.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Checkpoint;
import io.countersign.api.Checkpoints;
import io.countersign.api.EvidenceBundles;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evidence builder as a service to other bundles (the console's export): one request's bundle, verifiable. */
class EvidenceBundlesTest {

    @TempDir
    Path dir;

    private LedgerFixture fixture;
    private Checkpointer checkpointer;
    private ApprovalFlow flow;
    private EvidenceBundles bundles;
    private final AtomicInteger signed = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        fixture = new LedgerFixture(dir);
        checkpointer = Checkpointer.open(fixture.journal, fixture.keys, dir.resolve("ledger"), Duration.ofHours(1),
                1_000_000);
        flow = new ApprovalFlow(fixture);
        Checkpoints counting = new Checkpoints() {
            @Override
            public Optional<Checkpoint> latest() {
                return checkpointer.latest();
            }

            @Override
            public Optional<Checkpoint> covering(long seq) {
                return checkpointer.covering(seq);
            }

            @Override
            public Optional<Checkpoint> ofSize(long size) {
                return checkpointer.ofSize(size);
            }

            @Override
            public Checkpoint signNow() {
                signed.incrementAndGet();
                return checkpointer.signNow();
            }
        };
        bundles = new EvidenceExporter(fixture.journal, fixture.journal, counting, fixture.keys, flow.engine);
    }

    @AfterEach
    void stop() throws Exception {
        checkpointer.close();
        fixture.close();
    }

    @Test
    void eachRequestsBundleIsWritten_closed_andVerifies_againstOneCheckpoint() throws Exception {
        String first = flow.approvedAndExecuted();
        String second = flow.approvedAndExecuted();
        Map<String, ByteArrayOutputStream> written = new LinkedHashMap<>();
        List<String> closed = new ArrayList<>();

        bundles.writeRequests(List.of(second, first), id -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream() {
                @Override
                public void close() {
                    closed.add(id);
                }
            };
            written.put(id, out);
            return out;
        });

        assertEquals(List.of(second, first), List.copyOf(written.keySet()));
        assertEquals(List.of(second, first), closed, "each stream is closed once its bundle is complete");
        for (Map.Entry<String, ByteArrayOutputStream> bundle : written.entrySet()) {
            Verifier.Outcome verified = Verifier.run(Files.write(dir.resolve(bundle.getKey() + ".zip"),
                    bundle.getValue().toByteArray()));
            assertEquals(0, verified.exitCode(), verified.output());
            assertTrue(verified.output().contains(bundle.getKey()), verified.output());
        }
        assertEquals(1, signed.get(), "one checkpoint signed for the whole export");
    }

    @Test
    void anUnknownRequest_writesNothing() throws Exception {
        String known = flow.approvedAndExecuted();
        List<String> opened = new ArrayList<>();

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> bundles.writeRequests(
                List.of(known, "no-such-request"), id -> {
                    opened.add(id);
                    return new ByteArrayOutputStream();
                }));

        assertTrue(refused.getMessage().contains("no-such-request"));
        assertTrue(opened.isEmpty(), "nothing written");
        assertEquals(0, signed.get(), "nothing signed");
    }
}
