package io.countersign.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Agent;
import io.countersign.api.Checkpoint;
import io.countersign.api.Checkpoints;
import io.countersign.api.Directory;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.Reviewer;
import io.countersign.http.HttpRoute;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/evidence} served by a real Jetty server: refusals first, then the bundle streamed as written. */
class EvidenceApiTest {

    private static final String REVIEWER_TOKEN = "reviewer-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Directory DIRECTORY = new Directory() {
        @Override
        public Optional<Agent> agentByKey(String apiKey) {
            return Optional.empty();
        }

        @Override
        public Optional<Reviewer> reviewerByToken(String token) {
            return token.equals(REVIEWER_TOKEN) ? Optional.of(new Reviewer("erin", Set.of("auditors")))
                    : Optional.empty();
        }

        @Override
        public Optional<Reviewer> reviewer(String id) {
            return Optional.empty();
        }

        @Override
        public Optional<Reviewer> reviewerByContact(String channel, String address) {
            return Optional.empty();
        }

        @Override
        public List<Reviewer> reviewersIn(Collection<String> groups) {
            return List.of();
        }
    };

    @TempDir
    Path dir;

    private LedgerFixture fixture;
    private Checkpointer checkpointer;
    private ApprovalFlow flow;
    private Server server;
    private volatile HttpRoute route;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        fixture = new LedgerFixture(dir);
        checkpointer = Checkpointer.open(fixture.journal, fixture.keys, dir.resolve("ledger"), Duration.ofHours(1),
                1_000_000);
        flow = new ApprovalFlow(fixture);
        server = new Server();
        server.addConnector(new ServerConnector(server));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return route.handle(request, response, callback);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        checkpointer.close();
        fixture.close();
    }

    private EvidenceApi api(Journal journal, Checkpoints checkpoints, long maxEvidenceEntries) {
        return new EvidenceApi(new EvidenceExporter(journal, fixture.journal, checkpoints, fixture.keys, flow.engine),
                DIRECTORY, maxEvidenceEntries);
    }

    private EvidenceApi api(long maxEvidenceEntries) {
        return api(fixture.journal, checkpointer, maxEvidenceEntries);
    }

    private HttpResponse<byte[]> get(String query) throws Exception {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/evidence?" + query))
                .header("Authorization", "Bearer " + REVIEWER_TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String range(Instant from, Instant to) {
        return "from=" + from + "&to=" + to;
    }

    private static JsonNode problem(HttpResponse<byte[]> response) throws IOException {
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        return JSON.readTree(response.body());
    }

    @Test
    void aRangeIsStreamedIntoTheResponseWithNoFileInTheTemporaryDirectoryAndVerifies() throws Exception {
        route = api(1_000);
        Instant from = Instant.now();
        flow.approvedAndExecuted();
        flow.allowedQueries(3);
        Path tmpdir = Path.of(System.getProperty("java.io.tmpdir"));
        HttpResponse<byte[]> response;
        try (WatchService watcher = tmpdir.getFileSystem().newWatchService()) {
            tmpdir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            response = get(range(from, Instant.now()));
            WatchKey created = watcher.poll(300, TimeUnit.MILLISECONDS);
            assertNull(created, () -> "the export created " + created.pollEvents().stream()
                    .map(event -> event.context().toString()).toList() + " in " + tmpdir);
        }
        assertEquals(200, response.statusCode(), new String(response.body()));
        assertEquals("application/zip", response.headers().firstValue("Content-Type").orElse(""));
        Path bundle = Files.write(dir.resolve("streamed.zip"), response.body());
        Verifier.Outcome verified = Verifier.run(bundle);
        assertEquals(0, verified.exitCode(), verified.output());
    }

    @Test
    void aRangeHoldingMoreEntriesThanTheCapIsRefusedAsRangeTooLarge() throws Exception {
        Instant from = Instant.now();
        fixture.append(10, "r1");
        Instant to = Instant.now();
        route = api(9);
        HttpResponse<byte[]> refused = get(range(from, to));
        assertEquals(400, refused.statusCode());
        JsonNode problem = problem(refused);
        assertEquals("range-too-large", problem.path("reason").asText());
        String detail = problem.path("detail").asText();
        assertTrue(detail.contains("would hold 10 entries") && detail.contains("narrow"), detail);

        route = api(10);
        assertEquals(200, get(range(from, to)).statusCode(), "a range of exactly the cap is exported");
    }

    @Test
    void aRangeEndingBeforeItStartsIsABadRequest() throws Exception {
        route = api(1_000);
        Instant now = Instant.now();
        HttpResponse<byte[]> refused = get(range(now, now.minusSeconds(1)));
        assertEquals(400, refused.statusCode());
        assertEquals("invalid-parameter", problem(refused).path("reason").asText());
    }

    @Test
    void anUnknownRequestIsNotFound() throws Exception {
        route = api(1_000);
        HttpResponse<byte[]> missing = get("request=no-such-request");
        assertEquals(404, missing.statusCode());
        assertTrue(problem(missing).path("detail").asText().contains("no-such-request"));
    }

    @Test
    void anInternalIllegalArgumentIsAServerErrorNotABadRequest() throws Exception {
        route = api(fixture.journal, new Checkpoints() {
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
                throw new IllegalArgumentException("a bug deep inside, not the caller's fault");
            }
        }, 1_000);
        Instant now = Instant.now();
        assertEquals(500, get(range(now.minusSeconds(60), now)).statusCode());
    }

    @Test
    void aFailureAfterStreamingBeganAbortsTheResponseRatherThanEndingIt() throws Exception {
        fixture.append(5_000, "r1");
        route = api(failingOnSecondBulkReadFrom(4096), checkpointer, 1_000_000);
        assertThrows(IOException.class, () -> get(range(Instant.parse("2000-01-01T00:00:00Z"), Instant.now())),
                "the client sees the body cut off, not a complete 200");
    }

    /**
     * The journal, except that reading many entries from {@code seq} fails the second time: the first pass over the
     * entries succeeds, and the second fails after thousands of lines were sent.
     */
    private Journal failingOnSecondBulkReadFrom(long seq) {
        AtomicInteger reads = new AtomicInteger();
        return new Journal() {
            @Override
            public CompletableFuture<JournalEntry> append(String type, ObjectNode data) {
                return fixture.journal.append(type, data);
            }

            @Override
            public void replay(long fromSeq, Consumer<JournalEntry> consumer) {
                fixture.journal.replay(fromSeq, consumer);
            }

            @Override
            public List<JournalEntry> read(long fromSeq, int limit) {
                if (fromSeq == seq && limit > 1 && reads.incrementAndGet() == 2) {
                    throw new IllegalStateException("simulated failure reading the journal");
                }
                return fixture.journal.read(fromSeq, limit);
            }

            @Override
            public long size() {
                return fixture.journal.size();
            }

            @Override
            public Following follow(long fromSeq, Consumer<JournalEntry> consumer) {
                return fixture.journal.follow(fromSeq, consumer);
            }
        };
    }
}
