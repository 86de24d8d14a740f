package io.countersign.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.HdrHistogram.Histogram;

/**
 * The console's inbox under load (issue 16: an inbox of 1,000 pending requests served in p99 ≤ 50 ms; an approval
 * shows on every one of 100 open inboxes within 500 ms). Starts an OpenID Connect provider (mock-oauth2-server) in
 * this JVM and the distribution as a process with the console, submits the pending requests, signs in 100 sessions
 * as a browser does and opens their event streams, then measures (a) {@code GET /console/} by one session, one at a
 * time, and (b) for each of a number of votes, vote sent → each stream's {@code changed} event, and → each inbox's
 * entry of that request fetched as {@code inbox.js} does. Writes bench/results/inbox-*.json.
 */
public final class InboxBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "countersign-console";
    private static final String GROUP = "bench-reviewers";
    private static final int SIGNED_IN_REVIEWERS = 10;
    /** The human the agent acts for: nobody who reviews. */
    private static final String OWNER = "bench-owner";

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private InboxBenchmark(int port) {
        this.port = port;
    }

    public static void main(String[] args) throws Exception {
        int pending = 1000;
        int inboxes = 100;
        int pageLoads = 300;
        int votes = 20;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--pending" -> pending = Integer.parseInt(args[i + 1]);
                case "--inboxes" -> inboxes = Integer.parseInt(args[i + 1]);
                case "--page-loads" -> pageLoads = Integer.parseInt(args[i + 1]);
                case "--votes" -> votes = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path root = Path.of("").toAbsolutePath();
        Path run = root.resolve("bench/target/inbox-run-" + System.currentTimeMillis());
        String agentKey = "csk_" + BenchServer.randomSecret(32);
        String voterToken = "csr_" + BenchServer.randomSecret(32);
        int port = BenchServer.freePort();
        MockOAuth2Server provider = new MockOAuth2Server();
        provider.start();
        Process server = null;
        try {
            server = start(root, run, port, provider.issuerUrl("default").toString().replaceAll("/$", ""),
                    agentKey, voterToken);
            BenchServer.awaitUp(port);
            new InboxBenchmark(port).run(root, run, provider, agentKey, voterToken, pending, inboxes, pageLoads,
                    votes);
        } finally {
            if (server != null) {
                server.descendants().forEach(ProcessHandle::destroy);
                server.destroy();
                server.waitFor(30, TimeUnit.SECONDS);
            }
            provider.shutdown();
        }
    }

    private void run(Path root, Path run, MockOAuth2Server provider, String agentKey, String voterToken, int pending,
                     int inboxes, int pageLoads, int votes) throws Exception {
        ObjectNode report = JSON.createObjectNode();
        report.put("benchmark", "console inbox: GET /console/ with N pending; vote -> SSE event and the changed"
                + " entry fetched on every open inbox");
        report.put("when", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("java", System.getProperty("java.version"));
        report.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        report.put("pending", pending);
        report.put("openInboxes", inboxes);
        report.put("runDirectory", root.relativize(run).toString());

        List<String> requests = new ArrayList<>();
        for (int i = 0; i < pending + votes; i++) {
            requests.add(submit(agentKey, i));
        }
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < inboxes; i++) {
            sessions.add(signIn(provider, "rev-" + (i % SIGNED_IN_REVIEWERS)));
        }
        // the votes' requests are the last submitted; the inbox holds pending + votes until the votes, all pending
        report.put("pendingInTheInbox", pending + votes);

        Histogram page = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Session reader = sessions.get(0);
        int pageBytes = 0;
        for (int i = 0; i < 50 + pageLoads; i++) {
            long start = System.nanoTime();
            HttpResponse<String> inbox = get("/console/", reader.cookie);
            long took = System.nanoTime() - start;
            if (inbox.statusCode() != 200) {
                throw new IllegalStateException("GET /console/ answered " + inbox.statusCode());
            }
            if (i >= 50) {
                page.recordValue(took);
            }
            pageBytes = inbox.body().length();
        }
        report.set("a_inboxPageMs", percentiles(page));
        report.put("inboxPageBytes", pageBytes);
        System.out.printf(Locale.ROOT, "(a) GET /console/ with %d pending, %d loads: p50 %.2f ms, p99 %.2f ms,"
                + " %d bytes%n", pending + votes, pageLoads, ms(page.getValueAtPercentile(50)),
                ms(page.getValueAtPercentile(99)), pageBytes);

        Histogram event = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram refetched = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram slowestInbox = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        List<Stream> streams = new ArrayList<>();
        for (Session session : sessions) {
            streams.add(Stream.open(this, session));
        }
        Thread.sleep(2000);
        for (int vote = 0; vote < votes; vote++) {
            String request = requests.get(pending + vote);
            CountDownLatch all = new CountDownLatch(streams.size());
            AtomicLongArray eventAt = new AtomicLongArray(streams.size());
            AtomicLongArray listAt = new AtomicLongArray(streams.size());
            for (int s = 0; s < streams.size(); s++) {
                streams.get(s).expect(s, eventAt, listAt, all);
            }
            long sent = System.nanoTime();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri("/v1/actions/" + request + "/reviews"))
                    .header("Authorization", "Bearer " + voterToken).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"verdict\":\"approve\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("the vote answered " + answer.statusCode() + ": " + answer.body());
            }
            if (!all.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every inbox heard of vote " + vote + " within 30 s");
            }
            long slowest = 0;
            for (int s = 0; s < streams.size(); s++) {
                event.recordValue(Math.max(0, eventAt.get(s) - sent));
                refetched.recordValue(Math.max(0, listAt.get(s) - sent));
                slowest = Math.max(slowest, listAt.get(s) - sent);
            }
            slowestInbox.recordValue(slowest);
            Thread.sleep(200);
        }
        streams.forEach(Stream::close);
        report.put("votes", votes);
        report.set("b_voteToEventMs", percentiles(event));
        report.set("c_voteToEntryFetchedMs", percentiles(refetched));
        report.set("d_voteToLastInboxRefetchedMs", percentiles(slowestInbox));
        report.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "(b) vote -> event on each of %d inboxes: p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                + "%n(c) vote -> entry fetched: p50 %.1f ms, p99 %.1f ms%n(d) vote -> the last of the %d inboxes"
                + " updated: p50 %.1f ms, max %.1f ms%n", inboxes, ms(event.getValueAtPercentile(50)),
                ms(event.getValueAtPercentile(99)), ms(event.getMaxValue()), ms(refetched.getValueAtPercentile(50)),
                ms(refetched.getValueAtPercentile(99)), inboxes, ms(slowestInbox.getValueAtPercentile(50)),
                ms(slowestInbox.getMaxValue()));
        Path out = root.resolve("bench/results/inbox-" + Instant.now().toString().replace(':', '-') + ".json");
        Files.createDirectories(out.getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
        System.out.println("results written to " + root.relativize(out));
    }

    /** One open inbox: its event stream read on a thread of its own, and the list fetched again on each event. */
    private static final class Stream {
        private final InboxBenchmark bench;
        private final Session session;
        private final InputStream body;
        private volatile int index = -1;
        private volatile AtomicLongArray eventAt;
        private volatile AtomicLongArray listAt;
        private volatile CountDownLatch done;

        private Stream(InboxBenchmark bench, Session session, InputStream body) {
            this.bench = bench;
            this.session = session;
            this.body = body;
        }

        static Stream open(InboxBenchmark bench, Session session) throws Exception {
            HttpResponse<InputStream> answer = bench.http.send(HttpRequest.newBuilder(bench.uri("/console/events"))
                    .header("Cookie", session.cookie).header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("GET /console/events answered " + answer.statusCode());
            }
            Stream stream = new Stream(bench, session, answer.body());
            Thread reader = new Thread(stream::read, "inbox-stream");
            reader.setDaemon(true);
            reader.start();
            return stream;
        }

        void expect(int at, AtomicLongArray events, AtomicLongArray lists, CountDownLatch latch) {
            eventAt = events;
            listAt = lists;
            done = latch;
            index = at;
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                boolean changed = false;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.equals("event: changed")) {
                        changed = true;
                        continue;
                    }
                    if (!changed || !line.startsWith("data: ") || index < 0) {
                        changed = false;
                        continue;
                    }
                    changed = false;
                    int at = index;
                    index = -1;
                    eventAt.set(at, System.nanoTime());
                    // what inbox.js does: the one request the event names, its entry (200) or its removal (204)
                    HttpResponse<String> entry = bench.get("/console/inbox/requests/" + line.substring(6),
                            session.cookie);
                    if (entry.statusCode() == 200 || entry.statusCode() == 204) {
                        listAt.set(at, System.nanoTime());
                        done.countDown();
                    }
                }
            } catch (IOException | InterruptedException e) {
                // closed at the end of the run
            }
        }

        void close() {
            try {
                body.close();
            } catch (IOException e) {
                // the process ends next
            }
        }
    }

    private record Session(String cookie) {
    }

    /** Signs in as a browser does: to the provider, back with a code, the session cookie kept. */
    private Session signIn(MockOAuth2Server provider, String reviewer) throws Exception {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", reviewer + "-subject", "JWT",
                List.of(CLIENT), Map.of("email", reviewer + "@bench.example"), 3600));
        Map<String, String> cookies = new LinkedHashMap<>();
        HttpResponse<String> toProvider = get("/console/login", "");
        keep(toProvider, cookies);
        HttpResponse<String> withCode = http.send(HttpRequest.newBuilder(URI.create(toProvider.headers()
                .firstValue("Location").orElseThrow())).GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> back = http.send(HttpRequest.newBuilder(URI.create(withCode.headers()
                .firstValue("Location").orElseThrow())).header("Cookie", header(cookies)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        keep(back, cookies);
        if (back.statusCode() != 303 || !cookies.containsKey("countersign-console")) {
            throw new IllegalStateException("sign-in as " + reviewer + " failed: " + back.statusCode());
        }
        return new Session("countersign-console=" + cookies.get("countersign-console"));
    }

    private static void keep(HttpResponse<?> response, Map<String, String> cookies) {
        for (String set : response.headers().allValues("Set-Cookie")) {
            String pair = set.split(";", 2)[0];
            int equals = pair.indexOf('=');
            cookies.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
    }

    private static String header(Map<String, String> cookies) {
        StringBuilder header = new StringBuilder();
        cookies.forEach((name, value) -> header.append(header.length() == 0 ? "" : "; ").append(name).append('=')
                .append(value));
        return header.toString();
    }

    private String submit(String agentKey, int i) throws Exception {
        String body = "{\"action\":\"bench.change\",\"resource\":\"bench.resource\",\"environment\":\"production\","
                + "\"parameters\":{\"n\":" + i + "},\"onBehalfOf\":\"" + OWNER + "\","
                + "\"justification\":\"inbox benchmark request " + i + "\"}";
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri("/v1/actions"))
                .header("Authorization", "Bearer " + agentKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 201 || !answer.body().contains("\"pending\"")) {
            throw new IllegalStateException("submission " + i + " answered " + answer.statusCode() + ": "
                    + answer.body());
        }
        return JSON.readTree(answer.body()).path("id").asText();
    }

    private HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (!cookie.isEmpty()) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Unpacks the distribution with the console, a directory of its own and one rule for the benchmark's action. */
    private static Process start(Path root, Path run, int port, String issuer, String agentKey, String voterToken)
            throws IOException, InterruptedException {
        Path home = BenchServer.unpack(root, run);
        Path etc = home.resolve("etc");
        Files.writeString(etc.resolve("io.countersign.console.web.cfg"), String.join("\n",
                "# written by InboxBenchmark: the OpenID Connect provider in the benchmark's JVM",
                "publicBaseUrl = http://127.0.0.1:" + port,
                "issuer = " + issuer,
                "clientId = " + CLIENT,
                ""));
        ObjectNode directory = JSON.createObjectNode();
        directory.putArray("agents").addObject().put("id", "bench-agent")
                .put("keyHash", BenchServer.credentialHash(agentKey))
                .putArray("actsFor").add(OWNER);
        ArrayNode reviewers = directory.putArray("reviewers");
        for (int i = 0; i < SIGNED_IN_REVIEWERS; i++) {
            ObjectNode reviewer = reviewers.addObject().put("id", "rev-" + i)
                    .put("tokenHash", BenchServer.credentialHash("csr_" + BenchServer.randomSecret(32)));
            reviewer.putArray("groups").add(GROUP);
            reviewer.putObject("contacts").put("email", "rev-" + i + "@bench.example");
        }
        ObjectNode voter = reviewers.addObject().put("id", "bench-voter")
                .put("tokenHash", BenchServer.credentialHash(voterToken));
        voter.putArray("groups").add(GROUP);
        voter.putObject("contacts");
        Path directoryFile = run.resolve("directory.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(directoryFile.toFile(), directory);
        Path rules = run.resolve("rules");
        Files.createDirectories(rules);
        Files.writeString(rules.resolve("bench.drl"), String.join("\n",
                "package countersign.rules;",
                "",
                "import io.countersign.policy.model.ActionFact;",
                "",
                "rule \"Bench change needs two bench reviewers\"",
                "when",
                "    $a : ActionFact(action == \"bench.change\", resource == \"bench.resource\")",
                "then",
                "    $a.review(\"" + GROUP + "\", 2, \"the inbox benchmark asks two bench reviewers\");",
                "    $a.deadline(\"PT2H\");",
                "end",
                ""));
        return BenchServer.launch(home, run, port, run.resolve("data"), rules, Map.of(
                "COUNTERSIGN_FEATURES", "countersign-console",
                "COUNTERSIGN_DIRECTORY_FILE", directoryFile.toString(),
                "COUNTERSIGN_OIDC_CLIENT_SECRET", "bench-secret"));
    }

    private static ObjectNode percentiles(Histogram h) {
        ObjectNode json = JSON.createObjectNode();
        json.put("count", h.getTotalCount());
        json.put("p50", ms(h.getValueAtPercentile(50)));
        json.put("p90", ms(h.getValueAtPercentile(90)));
        json.put("p99", ms(h.getValueAtPercentile(99)));
        json.put("max", ms(h.getMaxValue()));
        return json;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }


}
