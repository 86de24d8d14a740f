package io.countersign.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.BreakGlass;
import io.countersign.api.Decision;
import io.countersign.api.ExecutionOutcome;
import io.countersign.api.ExecutionReport;
import io.countersign.api.Grant;
import io.countersign.api.GrantRefusal;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.ParameterBound;
import io.countersign.api.PolicyContext;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.SigningKeys;
import io.countersign.api.StandingApproval;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import io.countersign.api.json.ActionDigest;
import io.countersign.api.notify.Delivery;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import io.countersign.camel.internal.BenchNotifications;
import io.countersign.core.internal.BenchHistory;
import io.countersign.camel.RequestSummary;
import io.countersign.journal.internal.FileJournal;
import io.countersign.ledger.internal.Checkpointer;
import io.countersign.policy.drools.internal.BenchPolicy;
import io.countersign.policy.drools.internal.DroolsPolicyEngine;
import io.countersign.signing.internal.KeyRing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes a realistic journal of about N entries into a data directory, as a node would have written it over a
 * simulated working day: the node's own journal store (segments, group commit, Merkle tree cache), the node's policy
 * engine (its {@code policy.activated} bootstrap entry and every decision), the core's entry codec and request state
 * in the order {@code ApprovalEngine} appends, the dispatcher's {@code notification.sent} codec (an email channel),
 * the node's signing keys, and a signed checkpoint for every simulated second, as the ledger signs them.
 * <p>
 * The simulation is a discrete-event loop on one thread with a simulated clock, which also stamps the entries. The
 * mix: agents' requests allowed at once (most), denied, and reviewed (approved by quorum, denied by a reviewer, or
 * left to expire), grants consumed (sometimes after a refused attempt) and executions reported, idempotency keys,
 * standing approvals and their uses, break-glass with its post-incident review, reminders and updates to reviewers.
 * Arrivals stop near N entries, everything in flight is played out, and then {@code open} requests arrive at the
 * present time and stay pending (their deadlines lie 1 to 4 h after generation). With {@code oldOpen}, one
 * post-incident review raised early in the day is never answered (deadline 3 days), so the oldest open request is as
 * old as the history.
 */
final class HistoryGenerator {

    /**
     * @param days 0: one working day ending about now, at {@code requestsPerSecond}; N: N whole UTC days ending at a
     *             midnight at least 6 h ago (so everything in flight at the end is played out before the present),
     *             with about {@code entries} entries, busy on working days 08:00-18:00 UTC and quieter at night and
     *             at weekends; the open requests arrive in the last hour, and a policy change is proposed, reviewed
     *             and activated mid-period
     */
    record Options(long entries, double requestsPerSecond, double idempotencyShare, boolean notifications, int open,
                   boolean oldOpen, long seed, Path data, Path rules, int days) {

        Options(long entries, double requestsPerSecond, double idempotencyShare, boolean notifications, int open,
                boolean oldOpen, long seed, Path data, Path rules) {
            this(entries, requestsPerSecond, idempotencyShare, notifications, open, oldOpen, seed, data, rules, 0);
        }
    }

    /** What was generated, for the data directory's description and the result file. */
    record Stats(long entries, long requests, long allowed, long denied, long reviewed, long approvedByReview,
                 long deniedByReview, long expired, long open, long raised, long breakGlass, long standingGranted,
                 long standingUsed, long grantsIssued, long grantsConsumed, long grantsRefused, long executions,
                 long idempotencyKeys, long notifications, long refusedReviews, long checkpoints, String first,
                 String last, double seconds, String policyVersion, String origin, String periodFrom,
                 String periodTo, long policyChanges, long standingExhausted) {
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();
    private static final long MICROS = 1_000_000L;
    private static final Duration GRANT_TTL = Duration.ofSeconds(900);
    private static final Duration BREAK_GLASS_MAX_GRANT = Duration.ofMinutes(15);
    private static final Duration POST_INCIDENT_TIMEOUT = Duration.ofDays(3);
    private static final Duration REMIND_AFTER = Duration.ofMinutes(60);
    private static final int IN_FLIGHT_APPENDS = 16_384;
    /** How far (in simulated seconds) the checkpoint signer may trail the simulation before it waits. */
    private static final long CHECKPOINT_LAG_SECONDS = 2_000;

    // The demo directory a node writes on first start (bundles/identity DemoDirectory): the ids and groups the
    // history refers to, so that the node the benchmark starts knows every agent and reviewer in it.
    private static final Agent ANALYTICS = new Agent("analytics-agent", List.of("alice"));
    private static final Agent OPS = new Agent("ops-agent", List.of("dave"));
    private static final Map<String, Reviewer> REVIEWERS = new LinkedHashMap<>();

    static {
        for (String id : List.of("alice", "bob", "carol")) {
            REVIEWERS.put(id, reviewer(id, "data-owners"));
        }
        for (String id : List.of("dave", "erin", "frank")) {
            REVIEWERS.put(id, reviewer(id, "security"));
        }
        for (String id : List.of("grace", "heidi", "ivan")) {
            REVIEWERS.put(id, reviewer(id, "policy-admins"));
        }
    }

    private static Reviewer reviewer(String id, String group) {
        return new Reviewer(id, Set.of(group), Map.of("email", id + "@example.com"));
    }

    /** A kind of request an agent makes, and how often in a working day. */
    private record Template(int weight, Agent agent, String action, String environment,
                            java.util.function.Function<Random, String> resource,
                            java.util.function.Function<Random, ObjectNode> parameters, boolean justified) {
    }

    private final Options options;
    private final Random random;
    private final SimClock clock;
    private final List<Template> templates = new ArrayList<>();
    private final int totalWeight;
    private final PriorityQueue<Event> events = new PriorityQueue<>(Comparator.comparingLong(Event::at)
            .thenComparingLong(Event::order));
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT_APPENDS);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong simulatedSeconds = new AtomicLong();
    private final BenchHistory.Activity activity = new BenchHistory.Activity();
    private final List<StandingApproval> standing = new ArrayList<>();
    private FileJournal journal;
    private DroolsPolicyEngine policy;
    private String keyId;
    private long order;
    private long appended;
    private long liveRequests;
    private long mandatoryEvents;

    // counts
    private long requests;
    private long allowed;
    private long denied;
    private long reviewed;
    private long approvedByReview;
    private long deniedByReview;
    private long expired;
    private long raised;
    private long breakGlass;
    private long standingGranted;
    private long standingUsed;
    private long grantsIssued;
    private long grantsConsumed;
    private long grantsRefused;
    private long executions;
    private long idempotencyKeys;
    private long notifications;
    private long refusedReviews;
    private long openAtEnd;
    private long policyChanges;
    private long standingExhausted;
    /** Over days, the first of each rare event is made to happen, so that even a short period shows every kind. */
    private int plannedReviews;
    private int plannedUses;
    private boolean failureShown;
    /** The end of a multi-day history's period, in microseconds. */
    private long periodEnd = Long.MAX_VALUE;

    private record Event(long at, long order, Runnable action, boolean optional) {
    }

    /** The simulated time: the generator moves it, the journal writer stamps entries with it. */
    static final class SimClock extends Clock {
        private volatile long micros;

        void set(long value) {
            if (value > micros) {
                micros = value;
            }
        }

        long micros() {
            return micros;
        }

        @Override
        public Instant instant() {
            long now = micros;
            return Instant.ofEpochSecond(Math.floorDiv(now, MICROS), Math.floorMod(now, MICROS) * 1000);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    HistoryGenerator(Options options) {
        this.options = options;
        this.random = new Random(options.seed());
        this.clock = new SimClock();
        defineTemplates();
        this.totalWeight = templates.stream().mapToInt(Template::weight).sum();
    }

    // ---- the working day's mix ---------------------------------------------------------------------------------

    private void defineTemplates() {
        // analytics-agent, acting for alice (data-owners): reads and exports
        templates.add(new Template(300, ANALYTICS, "db.query", "staging", r -> pick(r, "analytics.events",
                "analytics.sessions", "warehouse.orders"), r -> query(r, false), true));
        templates.add(new Template(180, ANALYTICS, "db.query", "production", r -> pick(r, "warehouse.orders",
                "warehouse.inventory", "billing.invoices"), r -> query(r, false), true));
        templates.add(new Template(40, ANALYTICS, "db.query", "production", r -> pick(r, "crm.contacts",
                "warehouse.customers", "crm.contacts"), r -> query(r, true), true));
        templates.add(new Template(60, ANALYTICS, "data.export", "staging", r -> pick(r, "analytics.events",
                "warehouse.orders"), r -> export(r, false, 100, 10_000), true));
        templates.add(new Template(25, ANALYTICS, "data.export", "production", r -> pick(r, "warehouse.customers",
                "crm.contacts"), r -> export(r, true, 10_001, 200_000), true));
        templates.add(new Template(10, ANALYTICS, "data.export", "production", r -> "crm.contacts",
                r -> export(r, true, 1_000_001, 5_000_000), true));
        templates.add(new Template(15, ANALYTICS, "data.export", "production", r -> "warehouse.orders",
                r -> export(r, false, 100, 10_000), true));
        // ops-agent, acting for dave (security): changes
        templates.add(new Template(120, OPS, "db.write", "staging", r -> pick(r, "inventory.items",
                "orders.status"), HistoryGenerator::write, true));
        templates.add(new Template(30, OPS, "db.delete", "development", r -> "scratch.tmp",
                HistoryGenerator::write, true));
        templates.add(new Template(50, OPS, "network.security_group.change", "development", r -> "sg-dev-"
                + r.nextInt(40), HistoryGenerator::firewall, true));
        templates.add(new Template(25, OPS, "db.write", "production", r -> pick(r, "orders.status",
                "inventory.items"), HistoryGenerator::write, true));
        templates.add(new Template(10, OPS, "db.write", "production", r -> "orders.status",
                HistoryGenerator::write, false));
        templates.add(new Template(15, OPS, "iam.role.change", "production", r -> "role/" + pick(r, "deployer",
                "reader", "oncall"), r -> JSON.objectNode().put("principal", "svc-" + r.nextInt(50))
                .put("add", "deployer"), true));
        templates.add(new Template(10, OPS, "network.security_group.change", "production", r -> "sg-prod-"
                + r.nextInt(20), HistoryGenerator::firewall, true));
        templates.add(new Template(10, OPS, "db.delete", "staging", r -> "orders.archive",
                HistoryGenerator::write, true));
        templates.add(new Template(5, OPS, "k8s.deploy", "staging", r -> "payments-api",
                r -> JSON.objectNode().put("image", "payments-api:1." + r.nextInt(300)), true));
        templates.add(new Template(2, OPS, "privilege.escalate", "staging", r -> "host/db-" + r.nextInt(8),
                r -> JSON.objectNode().put("role", "root").put("minutes", 30), true));
    }

    private static String pick(Random random, String... values) {
        return values[random.nextInt(values.length)];
    }

    private static ObjectNode query(Random random, boolean pii) {
        ObjectNode parameters = JSON.objectNode();
        parameters.put("sql", "select " + pick(random, "count(*)", "id, status", "customer_id, total", "*")
                + " from t where day = " + (20_000 + random.nextInt(400)) + " limit " + (1 + random.nextInt(5000)));
        parameters.put("containsPii", pii);
        parameters.put("rows", 1 + random.nextInt(5000));
        return parameters;
    }

    private static ObjectNode export(Random random, boolean pii, int minRows, int maxRows) {
        ObjectNode parameters = JSON.objectNode();
        parameters.put("rows", minRows + random.nextInt(maxRows - minRows + 1));
        parameters.put("containsPii", pii);
        parameters.put("format", pick(random, "csv", "parquet"));
        parameters.put("destination", "s3://exports/" + Long.toHexString(random.nextLong()));
        return parameters;
    }

    private static ObjectNode write(Random random) {
        ObjectNode parameters = JSON.objectNode();
        parameters.put("sql", "update t set status = 'done' where id = " + random.nextInt(10_000_000));
        parameters.put("rows", 1 + random.nextInt(200));
        return parameters;
    }

    private static ObjectNode firewall(Random random) {
        ObjectNode parameters = JSON.objectNode();
        parameters.put("port", pick(random, "443", "5432", "22", "8080"));
        parameters.put("cidr", "10." + random.nextInt(256) + "." + random.nextInt(256) + ".0/24");
        parameters.put("direction", "ingress");
        return parameters;
    }

    private static final String[] JUSTIFICATIONS = {"dashboard refresh", "quarterly churn report",
            "incident INC-%d follow-up", "customer ticket %d", "nightly reconciliation", "capacity review",
            "release %d rollout", "data quality check %d", "audit request %d"};

    private String justification() {
        return String.format(JUSTIFICATIONS[random.nextInt(JUSTIFICATIONS.length)], 1000 + random.nextInt(9000));
    }

    // ---- the run ----------------------------------------------------------------------------------------------

    Stats run() throws Exception {
        long started = System.nanoTime();
        Path data = options.data();
        Files.createDirectories(data);
        if (Files.exists(data.resolve("journal"))) {
            throw new IllegalStateException(data + " already holds a journal; generate into an empty directory");
        }
        // The day ends about now: the estimated length of the simulated day, and the evening it takes to settle.
        double entriesPerRequest = options.notifications() ? 6.0 : 4.6;
        long dayMicros = (long) (options.entries() / entriesPerRequest / options.requestsPerSecond() * MICROS);
        long startMicros = System.currentTimeMillis() * 1000 - dayMicros - Duration.ofHours(5).toNanos() / 1000;
        startMicros -= Math.floorMod(startMicros, MICROS);
        if (options.days() > 0) {
            Instant end = Instant.now().minus(Duration.ofHours(6)).truncatedTo(ChronoUnit.DAYS);
            periodEnd = toMicros(end);
            startMicros = toMicros(end.minus(Duration.ofDays(options.days())));
        }
        clock.set(startMicros);

        SigningKeys keys = KeyRing.open(data.resolve("keys"), "");
        keyId = keys.keys().get(keys.keys().size() - 1).keyId();
        journal = FileJournal.open(data.resolve("journal"), clock);
        Checkpointer checkpoints = Checkpointer.open(journal, keys, data.resolve("ledger"), Duration.ofDays(365),
                Long.MAX_VALUE);
        Thread signer = new Thread(() -> signCheckpoints(checkpoints), "bench-checkpoints");
        signer.setDaemon(true);
        String policyVersion;
        try {
            policy = BenchPolicy.governed(options.rules(), journal, clock);
            policyVersion = policy.version();
            appended = journal.size();
            signer.start();
            simulate(startMicros);
            awaitAppends();
            done = true;
            signer.join();
            checkpoints.signNow();
        } finally {
            done = true;
            if (policy != null) {
                BenchPolicy.close(policy);
            }
            checkpoints.close();
            journal.close();
        }
        Throwable failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("an append failed", failed);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Stats(appended, requests, allowed, denied, reviewed, approvedByReview, deniedByReview, expired,
                openAtEnd, raised, breakGlass, standingGranted, standingUsed, grantsIssued, grantsConsumed,
                grantsRefused, executions, idempotencyKeys, notifications, refusedReviews,
                lines(data.resolve("ledger/checkpoints.log")),
                Instant.ofEpochSecond(startMicros / MICROS).toString(), clock.instant().toString(), seconds,
                policyVersion, keys.origin(), Instant.ofEpochSecond(startMicros / MICROS).toString(),
                periodEnd == Long.MAX_VALUE ? null : Instant.ofEpochSecond(periodEnd / MICROS).toString(),
                policyChanges, standingExhausted);
    }

    private static long lines(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }

    private volatile boolean done;
    private volatile long signed;

    /** One checkpoint per simulated second, as the ledger signs them (intervalMillis = 1000) while the log grows. */
    private void signCheckpoints(Checkpointer checkpoints) {
        try {
            while (!done) {
                if (signed < simulatedSeconds.get()) {
                    checkpoints.signNow();
                    signed++;
                } else {
                    Thread.sleep(1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private void simulate(long startMicros) throws InterruptedException {
        boolean period = options.days() > 0;
        double meanGapMicros = MICROS / (period ? peakRate(startMicros) : options.requestsPerSecond());
        long nextArrival = startMicros + MICROS;
        long oldOpenAt = !options.oldOpen() ? Long.MAX_VALUE : period ? startMicros + micros(Duration.ofHours(34))
                : startMicros + (long) (0.01 * options.entries() / 6.0 * meanGapMicros);
        long nextStanding = startMicros + (period ? micros(Duration.ofHours(9)) : micros(Duration.ofMinutes(20)));
        int breakGlassOdds = period ? 400 : 2000;
        if (period) {
            long middle = startMicros + (periodEnd - startMicros) / 2;
            long proposed = middle - Math.floorMod(middle, micros(Duration.ofDays(1))) + micros(Duration.ofHours(10));
            while (weight(proposed) < 1.0 && proposed + micros(Duration.ofDays(1)) < periodEnd) {
                proposed += micros(Duration.ofDays(1)); // policy admins work on working days
            }
            at(proposed, this::proposePolicyChange);
        }
        boolean arriving = true;
        long lastSecond = startMicros / MICROS;
        while (failure.get() == null) {
            Event next = events.peek();
            if (arriving && (next == null || nextArrival <= next.at())) {
                advance(nextArrival);
                if (period && nextArrival >= periodEnd - micros(Duration.ofHours(1))) {
                    // the end of the period: the requests still waiting for reviewers when it closes
                    arriving = false;
                    for (int i = 0; i < options.open(); i++) {
                        at(nextArrival + (long) (random.nextDouble() * micros(Duration.ofMinutes(55))),
                                this::arriveForReview);
                    }
                    continue;
                }
                if (nextArrival >= oldOpenAt) {
                    breakGlass(true);
                    oldOpenAt = Long.MAX_VALUE;
                } else if (nextArrival >= nextStanding) {
                    if (period) {
                        // one each working morning; every third runs out of uses before it expires
                        if (weight(nextArrival) == 1.0) {
                            grantStanding(standingGranted % 3 == 0 ? 2 : 50);
                        }
                        nextStanding += micros(Duration.ofDays(1));
                    } else {
                        grantStanding(300);
                        nextStanding += Duration.ofHours(3).toNanos() / 1000;
                    }
                } else if (random.nextInt(breakGlassOdds) == 0) {
                    breakGlass(false);
                } else if (!period || random.nextDouble() < weight(nextArrival)) {
                    arrive();
                }
                nextArrival += (long) (-Math.log(1 - random.nextDouble()) * meanGapMicros) + 1;
                // stop arriving when what is in flight will bring the journal to about N entries
                if (!period && appended + mandatoryEvents * 2 + liveRequests * 2 >= options.entries()) {
                    arriving = false;
                }
            } else if (next != null && (arriving || mandatoryEvents > 0)) {
                events.poll();
                if (!next.optional()) {
                    mandatoryEvents--;
                }
                advance(next.at());
                next.action().run();
            } else {
                break;
            }
            long second = clock.micros() / MICROS;
            if (second != lastSecond) {
                // over days, the ledger signs only the seconds in which the log grew
                simulatedSeconds.addAndGet(period ? 1 : second - lastSecond);
                lastSecond = second;
                while (simulatedSeconds.get() - signed > CHECKPOINT_LAG_SECONDS && failure.get() == null) {
                    Thread.sleep(1);
                }
            }
        }
        // The present: the requests still waiting for reviewers when the node is restarted.
        if (!period) {
            advance(Math.max(clock.micros() + MICROS, System.currentTimeMillis() * 1000 - 60 * MICROS));
        }
        for (int i = 0; i < (period ? 0 : options.open()); i++) {
            advance(clock.micros() + (long) (random.nextDouble() * 3 * MICROS));
            arriveForReview();
        }
        // what is left in the queue: reminders and the deliveries of these last requests
        while (!events.isEmpty() && failure.get() == null) {
            Event next = events.poll();
            if (next.optional()) {
                continue;
            }
            mandatoryEvents--;
            advance(next.at());
            next.action().run();
        }
        openAtEnd = liveRequests;
        simulatedSeconds.incrementAndGet();
    }

    private void advance(long micros) {
        if (options.days() > 0 && micros > clock.micros()) {
            // the journal stamps an entry when it writes it: over sparse days, one written late would be hours late
            awaitAppendsUnchecked();
        }
        clock.set(micros);
    }

    /** How busy the hour is, relative to a working day's office hours (UTC). */
    private static double weight(long micros) {
        java.time.ZonedDateTime at = Instant.ofEpochSecond(micros / MICROS).atZone(ZoneOffset.UTC);
        if (at.getDayOfWeek() == java.time.DayOfWeek.SATURDAY || at.getDayOfWeek() == java.time.DayOfWeek.SUNDAY) {
            return 0.04;
        }
        int hour = at.getHour();
        return hour >= 8 && hour < 18 ? 1.0 : hour == 7 || hour >= 18 && hour < 20 ? 0.3 : 0.05;
    }

    /** The office-hours arrival rate that spreads about {@code entries} entries over the period. */
    private double peakRate(long startMicros) {
        double busySeconds = 0;
        for (long t = startMicros; t < periodEnd; t += micros(Duration.ofMinutes(10))) {
            busySeconds += weight(t) * 600;
        }
        double entriesPerRequest = options.notifications() ? 6.0 : 4.6;
        return options.entries() / entriesPerRequest / busySeconds;
    }

    private long now() {
        return clock.micros();
    }

    private Instant instant() {
        return clock.instant();
    }

    private void at(long micros, Runnable action) {
        events.add(new Event(Math.max(micros, now()), order++, action, false));
        mandatoryEvents++;
    }

    /** An event that is only played if the day is still running then (a deadline days away is not waited for). */
    private void atIfStillRunning(long micros, Runnable action) {
        events.add(new Event(Math.max(micros, now()), order++, action, true));
    }

    private static long micros(Duration duration) {
        return duration.toNanos() / 1000;
    }

    private long seconds(double min, double max) {
        return (long) ((min + random.nextDouble() * (max - min)) * MICROS);
    }

    /** Exponentially distributed with this mean, in microseconds. */
    private long exponential(Duration mean) {
        return (long) (-Math.log(1 - random.nextDouble()) * micros(mean));
    }

    private void append(String type, ObjectNode data) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        appended++;
        journal.append(type, data).whenComplete((entry, failed) -> {
            inFlight.release();
            if (failed != null) {
                failure.compareAndSet(null, failed);
            }
        });
    }

    private void awaitAppends() throws InterruptedException {
        inFlight.acquire(IN_FLIGHT_APPENDS);
        inFlight.release(IN_FLIGHT_APPENDS);
    }

    private String uuid() {
        long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    // ---- requests ----------------------------------------------------------------------------------------------

    private Template template() {
        int pick = random.nextInt(totalWeight);
        for (Template template : templates) {
            pick -= template.weight();
            if (pick < 0) {
                return template;
            }
        }
        throw new AssertionError();
    }

    private void arrive() {
        submit(template(), null);
    }

    /** A request the policy sends to review, for the ones left open at the end. */
    private void arriveForReview() {
        for (;;) {
            Template t = template();
            boolean production = t.environment().equals("production");
            boolean bulkExport = t.action().equals("data.export") && t.weight() == 10;
            if (production && t.justified() && !t.action().equals("db.query") && !bulkExport
                    || t.action().equals("db.delete") && t.environment().equals("staging")
                    || t.action().equals("k8s.deploy")) {
                submit(t, true);
                return;
            }
        }
    }

    private Action action(Template template) {
        return new Action(template.action(), template.resource().apply(random), template.parameters().apply(random),
                template.environment(), template.agent().id(), template.agent().actsFor());
    }

    /** What the policy sees beyond the request (ApprovalEngine.context): groups of the humans acted for, counts. */
    private PolicyContext context(Action action, Agent agent, Instant now, boolean breakGlass) {
        Map<String, Set<String>> groups = new TreeMap<>();
        for (String human : action.onBehalfOf()) {
            Reviewer known = REVIEWERS.get(human);
            groups.put(human, known == null ? Set.of() : known.groups());
        }
        long[] counts = activity.countAndRecord(agent.id(), action.action(), now);
        return new PolicyContext(groups, counts[0], counts[1], breakGlass);
    }

    /** ApprovalEngine.submit and record: one request, decided by the policy, recorded as the engine records it. */
    private void submit(Template template, Boolean leaveOpen) {
        Instant now = instant();
        Agent agent = template.agent();
        Action action = action(template);
        String key = random.nextDouble() < options.idempotencyShare() ? "req-" + Long.toHexString(random.nextLong())
                : null;
        if (key != null) {
            idempotencyKeys++;
        }
        ActionRequest request = new ActionRequest(uuid(), action, template.justified() ? justification() : "",
                ActionDigest.of(action), now, key);
        PolicyContext context = context(action, agent, now, false);
        Decision decision = policy.decide(request, agent, context);
        requests++;
        if (decision.outcome() == Outcome.REVIEW) {
            Instant deadline = now.plus(decision.route().timeout());
            StandingApproval use = leaveOpen == null ? takeStanding(action, now, decision) : null;
            if (use != null) {
                recordStandingUse(request, agent, decision, context, use, deadline, now);
                return;
            }
        }
        BenchHistory.Request state = recordDecided(request, agent, decision, context, now);
        if (state.status() == RequestStatus.PENDING) {
            reviewed++;
            liveRequests++;
            Pending pending = new Pending(state);
            notifyReviewers(pending);
            if (leaveOpen == null) {
                planReview(pending);
            }
        } else if (state.status() == RequestStatus.ALLOWED) {
            allowed++;
            planUse(state, seconds(0.05, 5));
        } else {
            denied++;
        }
    }

    /** ApprovalEngine.recordDecided: received, decided, and the grant of an allowed request. */
    private BenchHistory.Request recordDecided(ActionRequest request, Agent agent, Decision decision,
                                               PolicyContext context, Instant now) {
        RequestStatus status = switch (decision.outcome()) {
            case ALLOW -> RequestStatus.ALLOWED;
            case DENY -> RequestStatus.DENIED;
            case REVIEW -> RequestStatus.PENDING;
        };
        Instant deadline = decision.outcome() == Outcome.REVIEW ? now.plus(decision.route().timeout()) : null;
        BenchHistory.Request state = new BenchHistory.Request(request, agent);
        append(BenchHistory.REQUEST_RECEIVED, BenchHistory.received(request, agent));
        append(BenchHistory.POLICY_DECIDED, BenchHistory.decided(request.id(), decision, status, deadline, now,
                context));
        state.decide(decision, status, deadline, status.isTerminal() ? now : null);
        if (status == RequestStatus.ALLOWED && !isRaised(request)) {
            issueGrant(state, now, GRANT_TTL);
        }
        return state;
    }

    private static boolean isRaised(ActionRequest request) {
        return request.action().action().startsWith(io.countersign.api.ApprovalService.RESERVED_ACTION_PREFIX);
    }

    private Grant issueGrant(BenchHistory.Request state, Instant now, Duration ttl) {
        Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
        List<String> approvers = state.votes().stream().filter(vote -> vote.verdict() == Verdict.APPROVE)
                .map(Vote::reviewer).sorted().toList();
        Grant grant = new Grant(uuid(), state.request().id(), state.agent().id(), state.request().digest(), approvers,
                issuedAt, issuedAt.plus(ttl), keyId, null);
        state.issueGrant(grant);
        append(BenchHistory.GRANT_ISSUED, BenchHistory.grantIssued(grant));
        grantsIssued++;
        return grant;
    }

    /** The agent presents its grant just before running the action, then reports how it went (most of the time). */
    private void planUse(BenchHistory.Request state, long after) {
        if (random.nextDouble() >= 0.93) {
            return; // never used: the grant expires unconsumed
        }
        Grant grant = state.view().grant();
        long consumeAt = now() + Math.min(after, micros(GRANT_TTL) - MICROS);
        at(consumeAt, () -> {
            Instant at = instant();
            String agent = state.agent().id();
            int use = plannedUses++;
            boolean period = options.days() > 0;
            if (random.nextInt(300) == 0 || period && use == 0) {
                // the action was edited after approval: refused, journaled, nothing else changes
                String presented = "sha256:" + HEX.formatHex(ActionDigest.sha256(
                        Long.toString(random.nextLong()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                append(BenchHistory.GRANT_REFUSED, BenchHistory.grantRefused(grant, GrantRefusal.ACTION_MISMATCH,
                        "the action presented has digest " + presented + " but the grant is bound to "
                                + grant.digest() + ": it is not the action that was approved", presented, agent, at));
                grantsRefused++;
            }
            append(BenchHistory.GRANT_CONSUMED, BenchHistory.grantConsumed(grant, agent, at));
            state.consumeGrant(at);
            grantsConsumed++;
            if (period && (random.nextInt(250) == 0 || use == 1)) {
                // a retry of the same call presents the grant again: single use, so refused
                at(now() + seconds(1, 60), () -> {
                    append(BenchHistory.GRANT_REFUSED, BenchHistory.grantRefused(grant,
                            GrantRefusal.ALREADY_CONSUMED, "the grant was consumed at " + at, grant.digest(), agent,
                            instant()));
                    grantsRefused++;
                });
            }
            if (random.nextDouble() < 0.97) {
                at(now() + Math.min(exponential(Duration.ofSeconds(40)), micros(Duration.ofMinutes(30))), () -> {
                    boolean success = random.nextDouble() < 0.96 && (!period || failureShown);
                    failureShown |= !success;
                    ExecutionReport report = new ExecutionReport(success ? ExecutionOutcome.SUCCESS
                            : ExecutionOutcome.FAILURE, random.nextDouble() < 0.7 ? "sha256:" + HEX.formatHex(
                            ActionDigest.sha256(Long.toString(random.nextLong()).getBytes(
                                    java.nio.charset.StandardCharsets.UTF_8))) : null,
                            success ? (long) random.nextInt(50_000) : null,
                            success ? null : "exit status " + (1 + random.nextInt(3)) + ": "
                                    + pick(random, "timeout", "permission denied", "lock wait exceeded"), instant());
                    append(BenchHistory.EXECUTION_REPORTED, BenchHistory.executionReported(grant, agent, report));
                    state.reportExecution(report);
                    executions++;
                });
            }
        });
    }

    // ---- review ------------------------------------------------------------------------------------------------

    /** A request waiting for reviewers, and what its reviewers were sent. */
    private final class Pending {
        final BenchHistory.Request state;
        final Map<String, Delivery> slots = new LinkedHashMap<>();
        final Map<String, Boolean> reminded = new LinkedHashMap<>();
        boolean closed;
        /** What follows the approval of a policy change's review: its activation. */
        java.util.function.Consumer<List<String>> onApproved;

        Pending(BenchHistory.Request state) {
            this.state = state;
        }
    }

    /** Who the dispatcher asks: the eligible groups' members, minus the requester, the humans acted for, voters. */
    private List<Reviewer> eligible(RequestView view) {
        List<String> groups = view.eligibleGroups();
        List<Reviewer> eligible = new ArrayList<>();
        for (Reviewer reviewer : REVIEWERS.values()) {
            if (reviewer.groups().stream().anyMatch(groups::contains)
                    && !reviewer.id().equals(view.request().action().requester())
                    && !view.request().action().onBehalfOf().contains(reviewer.id())
                    && !view.agent().actsFor().contains(reviewer.id())
                    && view.votes().stream().noneMatch(v -> v.reviewer().equals(reviewer.id()))) {
                eligible.add(reviewer);
            }
        }
        return eligible;
    }

    /** The dispatcher's review messages, a moment after the request was published. */
    private void notifyReviewers(Pending pending) {
        if (!options.notifications()) {
            return;
        }
        RequestView view = pending.state.view();
        for (Reviewer reviewer : eligible(view)) {
            at(now() + seconds(0.2, 1.5), () -> {
                if (pending.slots.containsKey(reviewer.id())) {
                    return;
                }
                RequestView shown = pending.state.view();
                ObjectNode reference = JSON.objectNode();
                reference.put("reviewer", reviewer.id());
                reference.put("digest", shown.request().digest());
                if (shown.status() == RequestStatus.PENDING) {
                    reference.put("tokenHash", HEX.formatHex(ActionDigest.sha256(uuid().getBytes(
                            java.nio.charset.StandardCharsets.UTF_8))));
                    Instant byTtl = instant().plus(Duration.ofHours(24));
                    reference.put("expiresAt", (shown.deadline().isBefore(byTtl) ? shown.deadline() : byTtl)
                            .toString());
                } else {
                    reference.put("outcome", RequestSummary.outcomeOf(shown.status()));
                }
                reference.put("messageId", "<" + uuid() + "@countersign.local>");
                Delivery delivery = deliver(NotificationKind.REVIEW, reviewer, shown, null, reference);
                pending.slots.put(reviewer.id(), delivery);
                if (shown.status() == RequestStatus.PENDING && shown.deadline().isAfter(instant().plus(REMIND_AFTER))) {
                    atIfStillRunning(now() + micros(REMIND_AFTER), () -> remind(pending, reviewer));
                }
            });
        }
    }

    private Delivery deliver(NotificationKind kind, Reviewer reviewer, RequestView view, Delivery previous,
                             ObjectNode reference) {
        String address = reviewer.contact("email");
        Notification notification = new Notification(uuid(), kind, "email", address, reviewer, view, previous);
        Instant at = instant();
        append(BenchNotifications.SENT, BenchNotifications.sent(notification, reference, at));
        notifications++;
        return new Delivery(notification.id(), view.id(), "email", address, reviewer.id(), kind, reference, at);
    }

    private void remind(Pending pending, Reviewer reviewer) {
        RequestView view = pending.state.view();
        if (pending.closed || view.status() != RequestStatus.PENDING || !instant().isBefore(view.deadline())
                || Boolean.TRUE.equals(pending.reminded.get(reviewer.id()))
                || view.votes().stream().anyMatch(v -> v.reviewer().equals(reviewer.id()))) {
            return;
        }
        pending.reminded.put(reviewer.id(), true);
        ObjectNode reference = pending.slots.get(reviewer.id()).reference().deepCopy();
        reference.put("tokenHash", HEX.formatHex(ActionDigest.sha256(uuid().getBytes(
                java.nio.charset.StandardCharsets.UTF_8))));
        reference.put("messageId", "<" + uuid() + "@countersign.local>");
        pending.slots.put(reviewer.id(), deliver(NotificationKind.REMINDER, reviewer, view, null, reference));
    }

    /** The dispatcher refreshes every message it delivered when the request changes. */
    private void updateReviewers(Pending pending) {
        if (!options.notifications()) {
            return;
        }
        RequestView view = pending.state.view();
        for (String reviewerId : List.copyOf(pending.slots.keySet())) {
            at(now() + seconds(0.1, 1.0), () -> {
                Delivery previous = pending.slots.get(reviewerId);
                ObjectNode reference = previous.reference().deepCopy();
                if (view.status() != RequestStatus.PENDING && !reference.hasNonNull("outcome")) {
                    reference.put("outcome", RequestSummary.outcomeOf(view.status()));
                    reference.put("outcomeMessageId", "<" + uuid() + "@countersign.local>");
                }
                deliver(NotificationKind.UPDATE, REVIEWERS.get(reviewerId), view, previous, reference);
            });
        }
    }

    /** How reviewers will answer: approve to quorum, one denies, or nobody answers in time. */
    private void planReview(Pending pending) {
        BenchHistory.Request state = pending.state;
        double fate = random.nextDouble();
        if (options.days() > 0 && plannedReviews < 2) {
            fate = plannedReviews++ == 0 ? 0.10 : 0.0; // denied by a reviewer, then left to expire
        }
        long deadline = toMicros(state.deadline());
        if (state.agent() == ANALYTICS && random.nextInt(100) == 0) {
            // alice tries to approve what her own agent asked for
            at(now() + exponential(Duration.ofMinutes(3)), () -> vote(pending, REVIEWERS.get("alice"),
                    Verdict.APPROVE));
        }
        if (fate < 0.09) {
            at(deadline, () -> expire(pending));
            return;
        }
        List<Reviewer> voters = voters(state.view());
        if (voters == null) {
            at(deadline, () -> expire(pending));
            return;
        }
        long when = now();
        boolean deny = fate < 0.15;
        for (int i = 0; i < voters.size(); i++) {
            when += exponential(Duration.ofMinutes(i == 0 ? 6 : 4)) + MICROS;
            Reviewer voter = voters.get(i);
            Verdict verdict = deny && i == voters.size() - 1 ? Verdict.DENY : Verdict.APPROVE;
            if (when >= deadline) {
                at(deadline, () -> expire(pending));
                return;
            }
            at(when, () -> vote(pending, voter, verdict));
            if (verdict == Verdict.DENY) {
                return;
            }
        }
    }

    /** Distinct reviewers that fill every seat of the route, in the order they will answer; null if none can. */
    private List<Reviewer> voters(RequestView view) {
        List<Reviewer> eligible = new ArrayList<>(eligible(view));
        java.util.Collections.shuffle(eligible, random);
        List<Reviewer> chosen = new ArrayList<>();
        for (GroupQuorum quorum : view.decision().route().quorums()) {
            int needed = quorum.approvals();
            for (Reviewer reviewer : eligible) {
                if (needed > 0 && !chosen.contains(reviewer) && reviewer.groups().contains(quorum.group())) {
                    chosen.add(reviewer);
                    needed--;
                }
            }
            if (needed > 0) {
                return null;
            }
        }
        java.util.Collections.shuffle(chosen, random);
        return chosen;
    }

    private static long toMicros(Instant instant) {
        return instant.getEpochSecond() * MICROS + instant.getNano() / 1000;
    }

    /** ApprovalEngine.review: a vote, or its refusal; the last vote closes the request and issues its grant. */
    private void vote(Pending pending, Reviewer reviewer, Verdict verdict) {
        BenchHistory.Request state = pending.state;
        if (pending.closed) {
            return;
        }
        Instant now = instant();
        ReviewEvidence evidence = ReviewEvidence.api();
        BenchHistory.Refusal refusal = state.refusal(reviewer, evidence);
        if (refusal != null) {
            append(BenchHistory.REVIEW_REFUSED, BenchHistory.refused(state.request().id(), reviewer.id(),
                    reviewer.groups(), verdict, refusal.reason(), refusal.detail(), evidence));
            refusedReviews++;
            return;
        }
        Vote vote = new Vote(reviewer.id(), verdict, random.nextInt(3) == 0 ? pick(random, "ok", "ok for Q3",
                "checked with the owner", "not without a ticket", "fine") : null, reviewer.groups(), now, evidence);
        state.addVote(vote);
        append(BenchHistory.REVIEW_ACCEPTED, BenchHistory.accepted(state.request().id(), state.request().digest(),
                vote));
        if (state.rejected()) {
            close(pending, RequestStatus.DENIED, "denied by " + reviewer.id(), now);
            deniedByReview++;
        } else if (state.quorumMet()) {
            close(pending, RequestStatus.APPROVED, "quorum reached", now);
            approvedByReview++;
            if (!isRaised(state.request())) {
                issueGrant(state, now, GRANT_TTL);
                planUse(state, seconds(1, 30));
            } else if (pending.onApproved != null) {
                pending.onApproved.accept(state.votes().stream().filter(v -> v.verdict() == Verdict.APPROVE)
                        .map(Vote::reviewer).sorted().toList());
            }
        }
        updateReviewers(pending);
    }

    private void close(Pending pending, RequestStatus status, String cause, Instant now) {
        BenchHistory.Request state = pending.state;
        state.close(status, now);
        String type = switch (status) {
            case APPROVED -> BenchHistory.REQUEST_APPROVED;
            case DENIED -> BenchHistory.REQUEST_DENIED;
            case EXPIRED -> BenchHistory.REQUEST_EXPIRED;
            default -> throw new IllegalArgumentException(status.toString());
        };
        append(type, BenchHistory.closed(state.request().id(), status, cause, now));
        pending.closed = true;
        liveRequests--;
    }

    /** ApprovalEngine.expire: nobody decided before the deadline. */
    private void expire(Pending pending) {
        BenchHistory.Request state = pending.state;
        if (pending.closed || state.status() != RequestStatus.PENDING) {
            return;
        }
        close(pending, RequestStatus.EXPIRED, "no decision before the deadline " + state.deadline(), instant());
        expired++;
        updateReviewers(pending);
    }

    // ---- standing approvals ------------------------------------------------------------------------------------

    /** bob lets the analytics agent read one table of personal data for a few hours (journaled before any use). */
    private void grantStanding(int maxUses) {
        Instant now = instant();
        StandingApproval approval = new StandingApproval(uuid(), "bob", "data-owners", ANALYTICS.id(),
                ANALYTICS.actsFor(), "db.query", "production", "crm.contacts",
                List.of(new ParameterBound("rows", ParameterBound.Operator.AT_MOST, JSON.numberNode(5000))), now,
                now.plus(Duration.ofHours(options.days() > 0 ? 10 : 4)), maxUses, "nightly reconciliation of contact records", 0, null, null);
        append(BenchHistory.STANDING_GRANTED, BenchHistory.standingGranted(approval));
        standing.add(approval);
        standingGranted++;
    }

    private StandingApproval takeStanding(Action action, Instant now, Decision decision) {
        for (int i = 0; i < standing.size(); i++) {
            StandingApproval approval = standing.get(i);
            if (approval.isActive(now) && approval.covers(action)
                    && decision.route().quorums().equals(List.of(new GroupQuorum(approval.group(), 1)))) {
                StandingApproval used = approval.used();
                standing.set(i, used);
                return used;
            }
        }
        standing.removeIf(a -> !a.isActive(now));
        return null;
    }

    /** ApprovalEngine.recordStandingUse: approved in the approver's name by one use, then the grant. */
    private void recordStandingUse(ActionRequest request, Agent agent, Decision decision, PolicyContext context,
                                   StandingApproval approval, Instant deadline, Instant now) {
        BenchHistory.Request state = new BenchHistory.Request(request, agent);
        append(BenchHistory.REQUEST_RECEIVED, BenchHistory.received(request, agent));
        append(BenchHistory.POLICY_DECIDED, BenchHistory.decided(request.id(), decision, RequestStatus.PENDING,
                deadline, now, context));
        state.decide(decision, RequestStatus.PENDING, deadline, null);
        append(BenchHistory.STANDING_USED, BenchHistory.standingUsed(approval, request.id(), now));
        ObjectNode artifact = JSON.objectNode().put("standing", approval.id()).put("use", approval.uses())
                .put("maxUses", approval.maxUses());
        Vote vote = new Vote(approval.approver(), Verdict.APPROVE, "standing approval " + approval.id() + ", use "
                + approval.uses() + " of " + approval.maxUses() + ": " + approval.reason(), Set.of(approval.group()),
                now, new ReviewEvidence(BenchHistory.STANDING_CHANNEL, null, request.digest(), artifact));
        state.addVote(vote);
        append(BenchHistory.REVIEW_ACCEPTED, BenchHistory.accepted(request.id(), request.digest(), vote));
        state.close(RequestStatus.APPROVED, now);
        append(BenchHistory.REQUEST_APPROVED, BenchHistory.closed(request.id(), RequestStatus.APPROVED,
                "standing approval " + approval.id(), now));
        issueGrant(state, now, GRANT_TTL);
        standingUsed++;
        if (approval.uses() >= approval.maxUses()) {
            standingExhausted++;
        }
        planUse(state, seconds(0.05, 5));
    }

    // ---- break-glass -------------------------------------------------------------------------------------------

    /** ApprovalEngine.recordBreakGlass: a production privilege at once, a short grant, a post-incident review. */
    private void breakGlass(boolean neverReviewed) {
        Instant now = instant();
        Action action = new Action("privilege.escalate", "host/db-prod-" + random.nextInt(4),
                JSON.objectNode().put("role", "root").put("minutes", 15), "production", OPS.id(), OPS.actsFor());
        ActionRequest request = new ActionRequest(uuid(), action, "incident INC-" + (1000 + random.nextInt(9000))
                + ": database unreachable", ActionDigest.of(action), now, null);
        PolicyContext context = context(action, OPS, now, true);
        Decision decision = policy.decide(request, OPS, context);
        requests++;
        if (decision.outcome() == Outcome.DENY || decision.breakGlass() == null) {
            throw new IllegalStateException("the policy no longer allows break-glass for production privilege"
                    + " escalation: " + decision);
        }
        String reason = "database unreachable during incident; on-call needs root for 15 minutes";
        BenchHistory.Request state = new BenchHistory.Request(request, OPS);
        append(BenchHistory.REQUEST_RECEIVED, BenchHistory.received(request, OPS));
        append(BenchHistory.BREAKGLASS_INVOKED, BenchHistory.breakGlassInvoked(request.id(), OPS.id(),
                action.onBehalfOf(), reason, now));
        Duration ttl = decision.breakGlass().grantTtl().compareTo(BREAK_GLASS_MAX_GRANT) <= 0
                ? decision.breakGlass().grantTtl() : BREAK_GLASS_MAX_GRANT;
        String reviewId = uuid();
        BreakGlass how = new BreakGlass(reason, ttl, reviewId);
        append(BenchHistory.POLICY_DECIDED, BenchHistory.breakGlassGranted(BenchHistory.decided(request.id(),
                decision, RequestStatus.ALLOWED, null, now, context), how));
        state.decide(decision, RequestStatus.ALLOWED, null, now);
        state.breakGlass(how);
        issueGrant(state, now, ttl);
        breakGlass++;
        allowed++;
        planUse(state, seconds(0.5, 10));
        // the post-incident review, pending with one reviewer of each group the policy named
        List<GroupQuorum> quorums = decision.route().quorums().stream().map(q -> new GroupQuorum(q.group(), 1))
                .toList();
        ReviewRoute route = new ReviewRoute(quorums, POST_INCIDENT_TIMEOUT, 1);
        ObjectNode parameters = JSON.objectNode();
        parameters.put("request", request.id());
        parameters.set("action", action.toJson());
        parameters.put("digest", request.digest());
        parameters.put("reason", how.reason());
        parameters.put("grantTtl", how.grantTtl().toString());
        Action review = new Action(BenchHistory.POST_INCIDENT_REVIEW, "request/" + request.id(), parameters,
                action.environment(), OPS.id(), action.onBehalfOf());
        ActionRequest raisedRequest = new ActionRequest(reviewId, review, how.reason(), ActionDigest.of(review), now,
                null);
        Decision raisedDecision = new Decision(Outcome.REVIEW, List.of("break-glass: agent " + OPS.id() + " ran "
                + action.action() + " on " + action.resource() + " in " + action.environment()
                + " without review, because: " + how.reason() + ". Approve if it was justified, deny if not."),
                List.of(), policy.version(), route);
        BenchHistory.Request raisedState = recordDecided(raisedRequest, OPS, raisedDecision, null, now);
        raised++;
        reviewed++;
        liveRequests++;
        Pending pending = new Pending(raisedState);
        notifyReviewers(pending);
        if (neverReviewed) {
            atIfStillRunning(toMicros(raisedState.deadline()), () -> expire(pending));
            return;
        }
        List<Reviewer> voters = voters(raisedState.view());
        at(now() + micros(Duration.ofMinutes(10)) + exponential(Duration.ofMinutes(40)), () -> vote(pending,
                voters.get(0), Verdict.APPROVE));
    }

    // ---- policy changes ----------------------------------------------------------------------------------------

    /**
     * PolicyGovernance.propose: ivan (policy-admins) proposes the rule set with production firewall changes given
     * two hours instead of one (and its test case saying so); the review request is raised for two other
     * policy-admins, ivan tries to approve his own change, grace and heidi approve, and the engine activates it.
     */
    private void proposePolicyChange() {
        Map<String, String> files;
        try {
            files = io.countersign.policy.drools.internal.BenchPolicy.files(options.rules());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        files.put("network.drl", files.get("network.drl").replaceFirst("PT1H", "PT2H"));
        files.put("tests/network.yaml", files.get("tests/network.yaml").replaceFirst("timeout: PT1H",
                "timeout: PT2H"));
        Reviewer author = REVIEWERS.get("ivan");
        var proposal = io.countersign.policy.drools.internal.BenchPolicy.propose(policy, uuid(), author.id(), files,
                "production firewall changes: reviewers get 2 hours");
        Instant now = instant();
        Action action = new Action(io.countersign.policy.drools.internal.BenchPolicy.CHANGE_ACTION, "policy",
                proposal.parameters(), "production",
                io.countersign.policy.drools.internal.BenchPolicy.CHANGE_RAISED_BY.id(), List.of(author.id()));
        ActionRequest request = new ActionRequest(uuid(), action, proposal.description(), ActionDigest.of(action),
                now, null);
        Decision decision = new Decision(Outcome.REVIEW, List.of(proposal.reason()), List.of(), policy.version(),
                proposal.route());
        BenchHistory.Request state = recordDecided(request,
                io.countersign.policy.drools.internal.BenchPolicy.CHANGE_RAISED_BY, decision, null, now);
        append("policy.proposed", proposal.entry(request.id(), now));
        raised++;
        reviewed++;
        liveRequests++;
        Pending pending = new Pending(state);
        pending.onApproved = approvers -> {
            // the governance activates on its own thread once the approval is durable
            awaitAppendsUnchecked();
            appended++;
            io.countersign.policy.drools.internal.BenchPolicy.activate(policy, proposal, request.id(), approvers);
            policyChanges++;
        };
        notifyReviewers(pending);
        at(now() + micros(Duration.ofMinutes(25)), () -> vote(pending, author, Verdict.APPROVE));
        at(now() + micros(Duration.ofMinutes(80)), () -> vote(pending, REVIEWERS.get("grace"), Verdict.APPROVE));
        at(now() + micros(Duration.ofMinutes(190)), () -> vote(pending, REVIEWERS.get("heidi"), Verdict.APPROVE));
    }

    private void awaitAppendsUnchecked() {
        try {
            awaitAppends();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- checking what was written -----------------------------------------------------------------------------

    /** Replays the journal through the core's start-up projection: every entry must project. */
    static BenchHistory.Replay project(io.countersign.api.Journal journal) {
        BenchHistory.Replay replay = new BenchHistory.Replay();
        journal.replay(0, replay::apply);
        return replay;
    }

}
