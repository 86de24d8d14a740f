package io.countersign.core.internal;

import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.ActionSubmission;
import io.countersign.api.Agent;
import io.countersign.api.ApprovalService;
import io.countersign.api.ChannelEvent;
import io.countersign.api.BreakGlass;
import io.countersign.api.Decision;
import io.countersign.api.Directory;
import io.countersign.api.GroupQuorum;
import io.countersign.api.ExecutionReport;
import io.countersign.api.Grant;
import io.countersign.api.GrantRefusal;
import io.countersign.api.GrantResult;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.MerkleLog;
import io.countersign.api.Outcome;
import io.countersign.api.Passkey;
import io.countersign.api.Passkeys;
import io.countersign.api.RefusalReason;
import io.countersign.api.PolicyContext;
import io.countersign.api.PolicyEngine;
import io.countersign.api.RequestListener;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.SigningKeys;
import io.countersign.api.StandingApproval;
import io.countersign.api.StandingApprovalSpec;
import io.countersign.api.StepUp;
import io.countersign.api.Submission;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import io.countersign.api.json.ActionDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approval state machine, a projection of the journal.
 * <p>
 * Each change to a request is made while holding that request's monitor, in the same step as appending the journal
 * entry that records it: two racing last votes are applied one after the other, so neither is lost and only one can
 * close the request. What callers see ({@link #find}, the stages returned) is the <em>committed</em> view, published
 * only once the journal has made the change durable.
 */
@Component(service = {ApprovalService.class, Passkeys.class}, configurationPid = "io.countersign.core",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ApprovalEngine.Config.class)
public final class ApprovalEngine implements ApprovalService, Passkeys {

    @ObjectClassDefinition(name = "Countersign approval core")
    public @interface Config {
        @AttributeDefinition(description = "How long a grant may be consumed after it is issued, in seconds")
        long grantTtlSeconds() default DEFAULT_GRANT_TTL_SECONDS;

        @AttributeDefinition(description = "How many channel events (refused callbacks, opened links) per second per"
                + " channel are journaled one by one; beyond that they are counted and the count is journaled")
        int channelEventsPerSecond() default DEFAULT_CHANNEL_EVENTS_PER_SECOND;

        @AttributeDefinition(description = "The longest a break-glass grant lives, in seconds, whatever the policy"
                + " allows")
        long breakGlassMaxGrantSeconds() default 900;

        @AttributeDefinition(description = "How long reviewers have for the post-incident review of a break-glass,"
                + " as an ISO-8601 duration")
        String postIncidentReviewTimeout() default "P3D";

        @AttributeDefinition(description = "Who reviews a break-glass of an action the policy would have allowed"
                + " anyway (otherwise the groups the policy named review it)")
        String breakGlassReviewGroup() default "security";

        @AttributeDefinition(description = "The longest window a standing approval may have, in minutes")
        long standingMaxWindowMinutes() default 480;

        @AttributeDefinition(description = "The most uses a standing approval may allow")
        int standingMaxUses() default 1000;

        @AttributeDefinition(description = "Where the core keeps its snapshots and request index, all derived from"
                + " the journal (deleting it costs one full replay at the next start)")
        String stateDirectory() default "${countersign.data}/core";

        @AttributeDefinition(description = "A snapshot of the core's state after this many journal entries")
        long snapshotEveryEntries() default ProjectionStore.Options.DEFAULT_EVERY_ENTRIES;

        @AttributeDefinition(description = "A snapshot of the core's state after this many milliseconds with entries")
        long snapshotEveryMillis() default ProjectionStore.Options.DEFAULT_EVERY_MILLIS;
    }

    /** The configuration with every default, for running the engine outside OSGi (tools, benchmarks, tests). */
    public static Config defaultConfig() {
        return (Config) java.lang.reflect.Proxy.newProxyInstance(Config.class.getClassLoader(),
                new Class<?>[] {Config.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> Config.class;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "ApprovalEngine.Config(defaults)";
                    default -> method.getDefaultValue();
                });
    }

    /** The break-glass and standing-approval limits. */
    record Limits(Duration breakGlassMaxGrant, Duration postIncidentReviewTimeout, String breakGlassReviewGroup,
                  Duration standingMaxWindow, int standingMaxUses) {
        static final Limits DEFAULT = new Limits(Duration.ofMinutes(15), Duration.ofDays(3), "security",
                Duration.ofHours(8), 1000);

        static Limits of(Config config) {
            Duration postIncident;
            try {
                postIncident = Duration.parse(config.postIncidentReviewTimeout().strip());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("postIncidentReviewTimeout must be an ISO-8601 duration such as"
                        + " P3D, got " + config.postIncidentReviewTimeout(), e);
            }
            return new Limits(Duration.ofSeconds(config.breakGlassMaxGrantSeconds()), postIncident,
                    config.breakGlassReviewGroup(), Duration.ofMinutes(config.standingMaxWindowMinutes()),
                    config.standingMaxUses());
        }
    }

    /** The channel name journaled with a vote given by a standing approval. */
    static final String STANDING_CHANNEL = "standing";

    static final int DEFAULT_CHANNEL_EVENTS_PER_SECOND = 50;

    static final long DEFAULT_GRANT_TTL_SECONDS = 900;

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalEngine.class);

    private final Journal journal;
    private final MerkleLog merkle;
    private final PolicyEngine policy;
    private final GrantTokens tokens;
    private final Duration grantTtl;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    /** Requests that are open, or whose closing entry is not yet durable. */
    private final Map<String, RequestState> live = new ConcurrentHashMap<>();
    /** The durable view of every live request. */
    private final Map<String, RequestView> committed = new ConcurrentHashMap<>();
    /** Closed requests the follower has not indexed yet; after that the index, on disk, knows their entries. */
    private final RecentlyArchived recentlyArchived = new RecentlyArchived();
    private final ProjectionStore store;
    private final IndexLookup lookup;
    private final ShadowProjection shadow;
    private final ProjectionFollower follower;
    private final RecentViews recentlyClosed = new RecentViews(256);
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Idempotency keys of open requests and of submissions in flight; closed requests' keys are in the index. */
    private final Map<String, CompletableFuture<Keyed>> idempotency = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<Optional<RequestView>>>> waiters = new ConcurrentHashMap<>();
    /** Grants being consumed and executions being reported right now, by request id: one call at a time each. */
    private final Set<String> consuming = ConcurrentHashMap.newKeySet();
    private final Set<String> reporting = ConcurrentHashMap.newKeySet();
    private final List<RequestListener> listeners = new CopyOnWriteArrayList<>();
    private final ChannelEventLimiter channelEvents;
    private final Directory directory;
    private final Limits limits;
    private final ActivityCounts activity;
    private final StandingApprovals standing;
    private final PasskeyRegistry passkeys;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** What an idempotency key stands for. */
    private record Keyed(String requestId, String digest) {
    }

    @Activate
    public ApprovalEngine(@Reference Journal journal, @Reference MerkleLog merkle, @Reference PolicyEngine policy,
                          @Reference SigningKeys keys, @Reference Directory directory, Config config) {
        this(journal, merkle, policy, keys, directory, Duration.ofSeconds(config.grantTtlSeconds()),
                config.channelEventsPerSecond(), Limits.of(config), Clock.systemUTC(), storage(config));
    }

    /** Outside OSGi (tools, other bundles' tests): the journal must also be its Merkle tree, as FileJournal is. */
    public ApprovalEngine(Journal journal, PolicyEngine policy, SigningKeys keys, Directory directory,
                          Config config) {
        this(journal, merkleOf(journal), policy, keys, directory, Duration.ofSeconds(config.grantTtlSeconds()),
                config.channelEventsPerSecond(), Limits.of(config), Clock.systemUTC(), storage(config));
    }

    ApprovalEngine(Journal journal, PolicyEngine policy, SigningKeys keys, Duration grantTtl, Clock clock) {
        this(journal, policy, keys, null, grantTtl, DEFAULT_CHANNEL_EVENTS_PER_SECOND, Limits.DEFAULT, clock);
    }

    ApprovalEngine(Journal journal, PolicyEngine policy, SigningKeys keys, Duration grantTtl,
                   int channelEventsPerSecond, Clock clock) {
        this(journal, policy, keys, null, grantTtl, channelEventsPerSecond, Limits.DEFAULT, clock);
    }

    /** With a state directory of its own that is deleted on close: every start replays the whole journal. */
    ApprovalEngine(Journal journal, PolicyEngine policy, SigningKeys keys, Directory directory, Duration grantTtl,
                   int channelEventsPerSecond, Limits limits, Clock clock) {
        this(journal, merkleOf(journal), policy, keys, directory, grantTtl, channelEventsPerSecond, limits, clock,
                ProjectionStore.Options.inTemporaryDirectory());
    }

    /**
     * @param directory where the groups of the humans acted for and of standing approvers come from; may be null
     * @param storage   where the snapshots and the request index are kept, and how often snapshots are written
     */
    ApprovalEngine(Journal journal, MerkleLog merkle, PolicyEngine policy, SigningKeys keys, Directory directory,
                   Duration grantTtl, int channelEventsPerSecond, Limits limits, Clock clock,
                   ProjectionStore.Options storage) {
        if (limits.breakGlassMaxGrant().getSeconds() < 1 || limits.postIncidentReviewTimeout().getSeconds() < 1
                || limits.standingMaxWindow().getSeconds() < 60 || limits.standingMaxUses() < 1) {
            throw new IllegalArgumentException("break-glass and standing-approval limits must be positive: " + limits);
        }
        this.directory = directory;
        this.limits = limits;
        if (grantTtl.getSeconds() < 1) {
            throw new IllegalArgumentException("grantTtlSeconds must be at least 1");
        }
        this.journal = journal;
        this.merkle = merkle;
        this.policy = policy;
        this.tokens = new GrantTokens(keys);
        this.grantTtl = grantTtl;
        this.clock = clock;
        this.channelEvents = new ChannelEventLimiter(channelEventsPerSecond, clock);
        this.timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "countersign-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        long started = System.nanoTime();
        this.store = new ProjectionStore(storage, journal, merkle);
        try {
            this.shadow = store.load();
        } catch (java.io.IOException e) {
            store.close();
            throw new java.io.UncheckedIOException("could not read or write the core's state in "
                    + storage.directory(), e);
        }
        this.lookup = new IndexLookup(store.index(), journal);
        this.activity = new ActivityCounts(shadow.activity());
        this.standing = new StandingApprovals(shadow.standing());
        this.passkeys = new PasskeyRegistry(shadow.passkeys());
        this.follower = new ProjectionFollower(shadow, store, journal, this::indexedBelow);
        try {
            recover(started);
            follower.start();
        } catch (RuntimeException e) {
            timers.shutdownNow();
            store.close();
            throw e;
        }
    }

    private static ProjectionStore.Options storage(Config config) {
        return ProjectionStore.Options.configured(config.stateDirectory(), config.snapshotEveryEntries(),
                config.snapshotEveryMillis());
    }

    private static MerkleLog merkleOf(Journal journal) {
        if (journal instanceof MerkleLog tree) {
            return tree;
        }
        throw new IllegalArgumentException("the approval core checks its snapshots against the journal's Merkle"
                + " tree, and " + journal.getClass().getName() + " is not a MerkleLog: pass the tree as well");
    }

    @Override
    public void addListener(RequestListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(RequestListener listener) {
        listeners.remove(listener);
    }

    @Deactivate
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        timers.shutdownNow();
        waiters.values().forEach(list -> list.forEach(f -> f.complete(Optional.empty())));
        try {
            follower.close();
        } finally {
            store.close();
        }
    }

    @Override
    public CompletionStage<Submission> submit(Agent agent, ActionSubmission submission, String idempotencyKey) {
        if (submission.action().startsWith(RESERVED_ACTION_PREFIX)) {
            return CompletableFuture.failedFuture(new RequestRejectedException(
                    RequestRejectedException.Reason.RESERVED_ACTION, "actions named " + RESERVED_ACTION_PREFIX
                    + "* are raised by Countersign itself; an agent cannot submit " + submission.action()));
        }
        for (String human : submission.onBehalfOf()) {
            if (!agent.mayActFor(human)) {
                return CompletableFuture.failedFuture(new RequestRejectedException(
                        RequestRejectedException.Reason.NOT_PERMITTED_TO_ACT_FOR,
                        "agent " + agent.id() + " is not registered to act for " + human));
            }
        }
        Action action = new Action(submission.action(), submission.resource(), submission.parameters(),
                submission.environment(), agent.id(), submission.onBehalfOf());
        String digest = ActionDigest.of(action);
        String breakGlass = submission.breakGlassReason();
        if (idempotencyKey == null) {
            return record(action, digest, submission.justification(), null, agent, breakGlass)
                    .thenApply(view -> new Submission(view, false));
        }
        String key = agent.id() + '\u0000' + idempotencyKey;
        CompletableFuture<Keyed> claim = new CompletableFuture<>();
        CompletableFuture<Keyed> earlier = idempotency.putIfAbsent(key, claim);
        if (earlier == null) {
            Keyed closedBefore;
            try {
                closedBefore = keyedInIndex(agent.id(), idempotencyKey);
            } catch (RuntimeException e) {
                idempotency.remove(key, claim);
                claim.completeExceptionally(e);
                throw e;
            }
            if (closedBefore != null) {
                // answered from the index: the claim is not kept, so the map holds no closed request's key
                claim.complete(closedBefore);
                idempotency.remove(key, claim);
                earlier = claim;
            }
        }
        if (earlier != null) {
            return earlier.thenApply(keyed -> {
                if (!keyed.digest().equals(digest)) {
                    throw new CompletionException(new RequestRejectedException(
                            RequestRejectedException.Reason.IDEMPOTENCY_KEY_REUSED,
                            "idempotency key '" + idempotencyKey + "' was used for a different action ("
                                    + keyed.requestId() + ")"));
                }
                return new Submission(find(keyed.requestId()).orElseThrow(), true);
            });
        }
        CompletableFuture<RequestView> recorded;
        try {
            recorded = record(action, digest, submission.justification(), idempotencyKey, agent, breakGlass);
        } catch (RuntimeException e) {
            idempotency.remove(key, claim);
            claim.completeExceptionally(e);
            throw e;
        }
        // the claim is settled before the caller hears back, so a caller's next call sees it settled
        return recorded.whenComplete((view, failure) -> {
            if (failure != null) {
                idempotency.remove(key, claim);
                claim.completeExceptionally(failure);
            } else {
                claim.complete(new Keyed(view.id(), view.request().digest()));
            }
        }).thenApply(view -> new Submission(view, false));
    }

    @Override
    public CompletionStage<RequestView> raise(Agent raisedBy, ActionSubmission submission, ReviewRoute route,
                                              String reason) {
        if (!submission.action().startsWith(RESERVED_ACTION_PREFIX)) {
            throw new IllegalArgumentException("a raised request's action must start with " + RESERVED_ACTION_PREFIX
                    + ", got " + submission.action());
        }
        Action action = new Action(submission.action(), submission.resource(), submission.parameters(),
                submission.environment(), raisedBy.id(), submission.onBehalfOf());
        return raise(UUID.randomUUID().toString(), raisedBy, action, submission.justification(), route, reason);
    }

    private CompletableFuture<RequestView> raise(String id, Agent raisedBy, Action action, String justification,
                                                 ReviewRoute route, String reason) {
        Instant now = clock.instant();
        ActionRequest request = new ActionRequest(id, action, justification, ActionDigest.of(action), now, null);
        Decision decision = new Decision(Outcome.REVIEW, List.of(reason), List.of(), policy.version(), route);
        return recordDecided(request, raisedBy, decision, null, now);
    }

    private CompletableFuture<RequestView> record(Action action, String digest, String justification,
                                                  String idempotencyKey, Agent agent, String breakGlassReason) {
        Instant now = clock.instant();
        ActionRequest request = new ActionRequest(UUID.randomUUID().toString(), action, justification, digest, now,
                idempotencyKey);
        PolicyContext context = context(action, agent, now, breakGlassReason != null);
        Decision decision = policy.decide(request, agent, context);
        if (breakGlassReason != null) {
            return recordBreakGlass(request, agent, decision, context, breakGlassReason, now);
        }
        if (decision.outcome() == Outcome.REVIEW) {
            Instant deadline = now.plus(decision.route().timeout());
            Optional<StandingApproval> use = standing.take(action, now,
                    approval -> canApproveAlone(approval, request, agent, decision, deadline, now));
            if (use.isPresent()) {
                return recordStandingUse(request, agent, decision, context, use.get(), deadline, now);
            }
        }
        return recordDecided(request, agent, decision, context, now);
    }

    /** What the policy sees beyond the request: the groups of the humans acted for, and this agent's history. */
    private PolicyContext context(Action action, Agent agent, Instant now, boolean breakGlass) {
        Map<String, Set<String>> groups = new java.util.TreeMap<>();
        for (String human : action.onBehalfOf()) {
            groups.put(human, directory == null ? Set.of()
                    : directory.reviewer(human).map(Reviewer::groups).orElse(Set.of()));
        }
        ActivityCounts.Counts counts = activity.countAndRecord(agent.id(), action.action(), now);
        return new PolicyContext(groups, counts.today(), counts.lastHour(), breakGlass);
    }

    /**
     * Whether the standing approval's reviewer, as the directory has them now, may review this request and would
     * satisfy its route alone with an approval in the standing approval's group.
     */
    private boolean canApproveAlone(StandingApproval approval, ActionRequest request, Agent agent, Decision decision,
                                    Instant deadline, Instant now) {
        if (decision.route().stepUp()) {
            // a standing approval was given without a passkey over this request, so it cannot stand in for one
            return false;
        }
        Reviewer approver = directory == null ? null : directory.reviewer(approval.approver()).orElse(null);
        if (approver == null || !approver.groups().contains(approval.group())) {
            return false;
        }
        RequestView unreviewed = new RequestView(request, agent, decision, RequestStatus.PENDING, List.of(), deadline,
                null, 0, null, null, null);
        if (Eligibility.check(unreviewed, approver).isPresent()) {
            return false;
        }
        Vote vote = new Vote(approver.id(), Verdict.APPROVE, null, Set.of(approval.group()), now,
                ReviewEvidence.api());
        return Quorum.isMet(decision.route(), List.of(vote), 0);
    }

    /** Journals a request approved by one use of a standing approval, in the approver's name, and its grant. */
    private CompletableFuture<RequestView> recordStandingUse(ActionRequest request, Agent agent, Decision decision,
                                                             PolicyContext context, StandingApproval approval,
                                                             Instant deadline, Instant now) {
        RequestState state = new RequestState(request, agent);
        CompletableFuture<JournalEntry> written;
        RequestView view;
        synchronized (state) {
            append(state, EntryTypes.REQUEST_RECEIVED, JournalCodec.received(request, agent));
            append(state, EntryTypes.POLICY_DECIDED, JournalCodec.decided(request.id(), decision,
                    RequestStatus.PENDING, deadline, now, context));
            state.decide(decision, RequestStatus.PENDING, deadline, null);
            append(state, EntryTypes.STANDING_USED, StandingApprovals.used(approval, request.id(), now));
            var artifact = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                    .put("standing", approval.id()).put("use", approval.uses()).put("maxUses", approval.maxUses());
            Vote vote = new Vote(approval.approver(), Verdict.APPROVE, "standing approval " + approval.id() + ", use "
                    + approval.uses() + " of " + approval.maxUses() + ": " + approval.reason(),
                    Set.of(approval.group()), now, new ReviewEvidence(STANDING_CHANNEL, null, request.digest(), artifact));
            state.addVote(vote);
            append(state, EntryTypes.REVIEW_ACCEPTED, JournalCodec.accepted(request.id(), request.digest(), vote));
            close(state, RequestStatus.APPROVED, "standing approval " + approval.id(), now);
            written = issueGrant(state, now, grantTtl);
            view = state.view();
            live.put(request.id(), state);
        }
        return publishWhenWritten(written, view);
    }

    /**
     * Break-glass: journaled distinctly whatever comes of it; allowed only where the policy allows it and does not
     * deny, then with a short grant and a post-incident review pending with every eligible reviewer.
     */
    private CompletableFuture<RequestView> recordBreakGlass(ActionRequest request, Agent agent, Decision decision,
                                                            PolicyContext context, String reason, Instant now) {
        Action action = request.action();
        if (decision.outcome() != Outcome.DENY && decision.breakGlass() == null) {
            decision = new Decision(Outcome.DENY, List.of("break-glass was invoked, but the policy does not allow"
                    + " break-glass for " + action.action() + " in " + action.environment()
                    + "; submit the action without break-glass to have it reviewed"), decision.rules(),
                    decision.policyVersion(), null);
        }
        RequestState state = new RequestState(request, agent);
        CompletableFuture<JournalEntry> written;
        RequestView view;
        CompletableFuture<RequestView> review = null;
        synchronized (state) {
            append(state, EntryTypes.REQUEST_RECEIVED, JournalCodec.received(request, agent));
            append(state, EntryTypes.BREAKGLASS_INVOKED, JournalCodec.breakGlassInvoked(request.id(), agent.id(),
                    action.onBehalfOf(), reason, now));
            if (decision.outcome() == Outcome.DENY) {
                written = append(state, EntryTypes.POLICY_DECIDED, JournalCodec.decided(request.id(), decision,
                        RequestStatus.DENIED, null, now, context));
                state.decide(decision, RequestStatus.DENIED, null, now);
            } else {
                Duration ttl = shorter(decision.breakGlass().grantTtl(), limits.breakGlassMaxGrant());
                String reviewId = UUID.randomUUID().toString();
                BreakGlass how = new BreakGlass(reason, ttl, reviewId);
                append(state, EntryTypes.POLICY_DECIDED, JournalCodec.breakGlassGranted(JournalCodec.decided(
                        request.id(), decision, RequestStatus.ALLOWED, null, now, context), how));
                state.decide(decision, RequestStatus.ALLOWED, null, now);
                state.breakGlass(how);
                written = issueGrant(state, now, ttl);
                review = raisePostIncidentReview(reviewId, request, agent, decision, how);
            }
            view = state.view();
            live.put(request.id(), state);
        }
        return publishWhenWritten(review == null ? written : CompletableFuture.allOf(written, review), view);
    }

    /** Publishes the view of a new request once what records it is durable, and completes with it. */
    private CompletableFuture<RequestView> publishWhenWritten(CompletableFuture<?> written, RequestView view) {
        return written.thenApply(done -> {
            publish(view);
            return view;
        });
    }

    /** The review after a break-glass, pending with the groups the policy named (or the configured one). */
    private CompletableFuture<RequestView> raisePostIncidentReview(String reviewId, ActionRequest request,
                                                                   Agent agent, Decision decision, BreakGlass how) {
        // One reviewer per group the policy named judges, after the fact, whether the emergency was real.
        List<GroupQuorum> quorums = decision.route() != null
                ? decision.route().quorums().stream().map(q -> new GroupQuorum(q.group(), 1)).toList()
                : List.of(new GroupQuorum(limits.breakGlassReviewGroup(), 1));
        ReviewRoute route = new ReviewRoute(quorums, limits.postIncidentReviewTimeout(), 1);
        Action original = request.action();
        var parameters = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        parameters.put("request", request.id());
        parameters.set("action", original.toJson());
        parameters.put("digest", request.digest());
        parameters.put("reason", how.reason());
        parameters.put("grantTtl", how.grantTtl().toString());
        Action review = new Action(POST_INCIDENT_REVIEW, "request/" + request.id(), parameters,
                original.environment(), agent.id(), original.onBehalfOf());
        return raise(reviewId, agent, review, how.reason(), route, "break-glass: agent " + agent.id() + " ran "
                + original.action() + " on " + original.resource() + " in " + original.environment()
                + " without review, because: " + how.reason() + ". Approve if it was justified, deny if not.");
    }

    /** The action of the review raised after a break-glass. */
    static final String POST_INCIDENT_REVIEW = RESERVED_ACTION_PREFIX + "breakglass.review";

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Journals a request with its decision and, when it is allowed, its grant. */
    private CompletableFuture<RequestView> recordDecided(ActionRequest request, Agent agent, Decision decision,
                                                         io.countersign.api.PolicyContext context, Instant now) {
        RequestStatus status = switch (decision.outcome()) {
            case ALLOW -> RequestStatus.ALLOWED;
            case DENY -> RequestStatus.DENIED;
            case REVIEW -> RequestStatus.PENDING;
        };
        Instant deadline = decision.outcome() == Outcome.REVIEW ? now.plus(decision.route().timeout()) : null;
        RequestState state = new RequestState(request, agent);
        CompletableFuture<JournalEntry> written;
        RequestView view;
        synchronized (state) {
            append(state, EntryTypes.REQUEST_RECEIVED, JournalCodec.received(request, agent));
            written = append(state, EntryTypes.POLICY_DECIDED,
                    JournalCodec.decided(request.id(), decision, status, deadline, now, context));
            state.decide(decision, status, deadline, status.isTerminal() ? now : null);
            if (status == RequestStatus.ALLOWED && !isRaised(request)) {
                written = issueGrant(state, now, grantTtl);
            }
            view = state.view();
            live.put(request.id(), state);
        }
        return publishWhenWritten(written, view);
    }

    /** Whether Countersign raised this request itself: such requests never get a grant. */
    private static boolean isRaised(ActionRequest request) {
        return request.action().action().startsWith(RESERVED_ACTION_PREFIX);
    }

    /** Appends an entry about this request and remembers where it landed. Must hold the state's monitor. */
    private CompletableFuture<JournalEntry> append(RequestState state, String type,
                                                   com.fasterxml.jackson.databind.node.ObjectNode data) {
        return journal.append(type, data).thenApply(entry -> {
            state.recordSeq(entry.seq());
            return entry;
        });
    }

    @Override
    public Optional<RequestView> find(String requestId) {
        RequestView view = committed.get(requestId);
        if (view != null) {
            return Optional.of(view);
        }
        return Optional.ofNullable(closedView(requestId));
    }

    /** A closed request's view, rebuilt from its journal entries when it is not among the recently read. */
    private RequestView closedView(String requestId) {
        RequestView cached = recentlyClosed.get(requestId);
        return cached != null ? cached : rebuildClosedView(requestId);
    }

    /** Reads a closed request back from its journal entries, bypassing the cache, and caches the result. */
    private RequestView rebuildClosedView(String requestId) {
        List<JournalEntry> entries = closedEntries(requestId);
        if (entries.isEmpty()) {
            return null;
        }
        RequestView view = rebuildClosedState(requestId, entries).view();
        if (view.status() == null || !view.status().isTerminal()) {
            // indexed as soon as it is durable, but open until the engine archives it: not a closed request yet
            return null;
        }
        recentlyClosed.put(view);
        return view;
    }

    /**
     * A closed request's entries in journal order, read back from where the follower's overlay and the index say
     * they are (the overlay first: a request leaves it only once the index has it); empty for no closed request.
     */
    private List<JournalEntry> closedEntries(String requestId) {
        long[] recent = recentlyArchived.get(requestId);
        List<JournalEntry> indexed = lookup.entries(RequestIndex.Kind.ENTRY, requestId);
        if (recent == null) {
            return indexed;
        }
        java.util.TreeMap<Long, JournalEntry> bySeq = new java.util.TreeMap<>();
        indexed.forEach(entry -> bySeq.put(entry.seq(), entry));
        for (long seq : recent) {
            bySeq.computeIfAbsent(seq, at -> ShadowProjection.readOne(journal, at));
        }
        return List.copyOf(bySeq.values());
    }

    private RequestState rebuildClosedState(String requestId, List<JournalEntry> entries) {
        Map<String, RequestState> rebuilt = new LinkedHashMap<>();
        for (JournalEntry entry : entries) {
            Projection.apply(entry, rebuilt);
        }
        RequestState state = rebuilt.get(requestId);
        if (state == null) {
            throw new IllegalStateException("the journal entries of closed request " + requestId + " are missing");
        }
        return state;
    }

    @Override
    public CompletionStage<Optional<RequestView>> awaitChange(String requestId, long seenVersion, Duration maxWait) {
        RequestView current = find(requestId).orElse(null);
        if (current == null || current.version() > seenVersion || current.status().isTerminal()
                || maxWait.isZero() || maxWait.isNegative()) {
            return CompletableFuture.completedFuture(Optional.ofNullable(current));
        }
        CompletableFuture<Optional<RequestView>> change = new CompletableFuture<>();
        waiters.computeIfAbsent(requestId, id -> new CopyOnWriteArrayList<>()).add(change);
        RequestView again = find(requestId).orElseThrow();
        if (again.version() > seenVersion) {
            change.complete(Optional.of(again));
        }
        var timeout = timers.schedule(() -> change.complete(find(requestId)),
                maxWait.toMillis(), TimeUnit.MILLISECONDS);
        change.whenComplete((view, failure) -> {
            timeout.cancel(false);
            waiters.computeIfPresent(requestId, (id, list) -> {
                list.remove(change);
                return list.isEmpty() ? null : list;
            });
        });
        return change;
    }

    @Override
    public List<RequestView> pendingFor(Reviewer reviewer) {
        List<RequestView> eligible = new ArrayList<>();
        for (String id : pending) {
            RequestView view = committed.get(id);
            if (view != null && Eligibility.check(view, reviewer).isEmpty()) {
                eligible.add(view);
            }
        }
        eligible.sort(Comparator.comparing((RequestView v) -> v.request().receivedAt()).thenComparing(RequestView::id));
        return eligible;
    }

    @Override
    public List<RequestView> pending() {
        List<RequestView> open = new ArrayList<>();
        for (String id : pending) {
            RequestView view = committed.get(id);
            if (view != null && view.status() == RequestStatus.PENDING) {
                open.add(view);
            }
        }
        open.sort(Comparator.comparing((RequestView v) -> v.request().receivedAt()).thenComparing(RequestView::id));
        return open;
    }

    @Override
    public CompletionStage<Optional<ReviewResult>> review(Reviewer reviewer, String requestId, Verdict verdict,
                                                          String comment, ReviewEvidence evidence) {
        RequestState state = live.get(requestId);
        if (state == null) {
            RequestView closed = closedView(requestId);
            if (closed == null) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            return refuse(closed, reviewer, verdict, Eligibility.check(closed, reviewer, evidence).orElseThrow(),
                    evidence);
        }
        synchronized (state) {
            Instant now = clock.instant();
            expireIfDue(state, now);
            Optional<Eligibility.Refusal> refusal = Eligibility.check(state.view(), reviewer, evidence);
            boolean stepUp = refusal.isEmpty() && verdict == Verdict.APPROVE && state.decision().route().stepUp();
            Vote vote;
            CompletableFuture<JournalEntry> written;
            // a step-up vote's counter is checked and its entry sequenced under the registry's lock, so the votes of
            // one authenticator reach the journal in the order of their counters, as the verifier requires
            synchronized (stepUp ? passkeys : state) {
                if (stepUp) {
                    refusal = stepUpRefusal(state.request(), reviewer, evidence);
                }
                if (refusal.isPresent()) {
                    return refuse(state.view(), reviewer, verdict, refusal.get(), evidence);
                }
                vote = new Vote(reviewer.id(), verdict, comment, reviewer.groups(), now, evidence);
                state.addVote(vote);
                written = append(state, EntryTypes.REVIEW_ACCEPTED,
                        JournalCodec.accepted(requestId, state.request().digest(), vote));
            }
            ReviewRoute route = state.decision().route();
            if (Quorum.denials(state.votes()) >= route.denialsToReject()) {
                written = close(state, RequestStatus.DENIED, "denied by " + reviewer.id(), now);
            } else if (Quorum.isMet(route, state.votes(), state.escalationLevel())) {
                written = close(state, RequestStatus.APPROVED, "quorum reached", now);
                if (!isRaised(state.request())) {
                    written = issueGrant(state, now, grantTtl);
                }
            }
            RequestView view = state.view();
            return written.thenApply(entry -> {
                publish(view);
                return Optional.of(new ReviewResult.Accepted(view));
            });
        }
    }

    /**
     * Why an approval of a step-up request does not count, or empty when its evidence carries a passkey assertion
     * over this request's challenge, by a passkey this reviewer registered, that verifies (its counter is then
     * recorded). Called with the request's monitor held.
     */
    private Optional<Eligibility.Refusal> stepUpRefusal(ActionRequest request, Reviewer reviewer,
                                                        ReviewEvidence evidence) {
        Optional<StepUp.Assertion> assertion;
        try {
            assertion = StepUp.Assertion.of(evidence);
        } catch (IllegalArgumentException e) {
            return stepUpRequired(e.getMessage());
        }
        if (assertion.isEmpty()) {
            return stepUpRequired("this request's route requires step-up: approve it with a passkey in the console"
                    + (passkeys.of(reviewer.id()).isEmpty() ? " (" + reviewer.id() + " has registered no passkey"
                    + " yet: register one there first)" : ""));
        }
        Optional<PasskeyRegistry.Registered> registered = passkeys.find(assertion.get().credentialId());
        if (registered.isEmpty() || !registered.get().passkey().reviewer().equals(reviewer.id())
                || registered.get().seq() < 0) {
            return stepUpRequired("the assertion is by credential " + assertion.get().credentialId()
                    + ", which is not a passkey " + reviewer.id() + " registered");
        }
        StepUpCheck.Result result = passkeys.check(registered.get(), assertion.get(), request.id(), request.digest());
        return result.verified() ? Optional.empty() : stepUpRequired(result.failure());
    }

    private static Optional<Eligibility.Refusal> stepUpRequired(String detail) {
        return Optional.of(new Eligibility.Refusal(RefusalReason.STEP_UP_REQUIRED, detail));
    }

    @Override
    public CompletionStage<Passkey> register(Passkey passkey) {
        synchronized (passkeys) {
            if (passkeys.contains(passkey.credentialId())) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("credential "
                        + passkey.credentialId() + " is already registered"));
            }
            passkeys.add(passkey);
            return journal.append(EntryTypes.PASSKEY_REGISTERED, PasskeyRegistry.registered(passkey))
                    .whenComplete((entry, failure) -> {
                        if (failure != null) {
                            // not durable, so not registered: no vote may rest on a key the journal does not hold
                            passkeys.remove(passkey.credentialId());
                        } else {
                            passkeys.written(passkey.credentialId(), entry.seq());
                        }
                    })
                    .thenApply(entry -> passkey);
        }
    }

    @Override
    public List<Passkey> of(String reviewer) {
        return passkeys.of(reviewer);
    }

    /** Journals a refused review; the request is unchanged. */
    private CompletionStage<Optional<ReviewResult>> refuse(RequestView current, Reviewer reviewer, Verdict verdict,
                                                           Eligibility.Refusal refusal, ReviewEvidence evidence) {
        return journal.append(EntryTypes.REVIEW_REFUSED, JournalCodec.refused(current.id(), reviewer.id(),
                        reviewer.groups(), verdict, refusal.reason(), refusal.detail(), evidence))
                .thenApply(entry -> Optional.of(new ReviewResult.Refused(find(current.id()).orElse(current),
                        refusal.reason(), refusal.detail())));
    }

    private CompletableFuture<JournalEntry> close(RequestState state, RequestStatus status, String cause,
                                                  Instant now) {
        state.close(status, now);
        String type = switch (status) {
            case APPROVED -> EntryTypes.REQUEST_APPROVED;
            case DENIED -> EntryTypes.REQUEST_DENIED;
            case EXPIRED -> EntryTypes.REQUEST_EXPIRED;
            default -> throw new IllegalArgumentException("not a closing status: " + status);
        };
        return append(state, type, JournalCodec.closed(state.request().id(), status, cause, now));
    }

    /** Must hold the state's monitor. */
    private CompletableFuture<JournalEntry> expireIfDue(RequestState state, Instant now) {
        if (state.status() != RequestStatus.PENDING || now.isBefore(state.deadline())) {
            return null;
        }
        CompletableFuture<JournalEntry> written = close(state, RequestStatus.EXPIRED,
                "no decision before the deadline " + state.deadline(), now);
        RequestView view = state.view();
        written.whenComplete((entry, failure) -> {
            if (failure == null) {
                publish(view);
            } else {
                LOG.error("could not journal the expiry of {}", view.id(), failure);
            }
        });
        return written;
    }

    /** Schedules the next step of the request's escalation ladder, if there is one. */
    private void scheduleEscalation(RequestView view) {
        List<io.countersign.api.Escalation> ladder = view.decision().route().escalations();
        int level = view.escalationLevel();
        if (level >= ladder.size()) {
            return;
        }
        Instant due = view.request().receivedAt().plus(ladder.get(level).after());
        long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        timers.schedule(() -> escalate(view.id(), level), delay, TimeUnit.MILLISECONDS);
    }

    /** Takes escalation step {@code level} of a request that is still open: its group is asked too. */
    private void escalate(String requestId, int level) {
        RequestState state = live.get(requestId);
        if (state == null) {
            return;
        }
        CompletableFuture<JournalEntry> written;
        RequestView view;
        synchronized (state) {
            Instant now = clock.instant();
            if (state.status() != RequestStatus.PENDING || state.escalationLevel() != level) {
                return;
            }
            io.countersign.api.Escalation step = state.decision().route().escalations().get(level);
            if (now.isBefore(state.request().receivedAt().plus(step.after()))) {
                scheduleEscalation(state.view());
                return;
            }
            state.escalate(level + 1);
            written = append(state, EntryTypes.REQUEST_ESCALATED,
                    JournalCodec.escalated(requestId, level + 1, step.group(), now));
            view = state.view();
        }
        written.whenComplete((entry, failure) -> {
            if (failure != null) {
                LOG.error("could not journal escalation {} of {}", level + 1, requestId, failure);
                return;
            }
            publish(view);
            if (view.status() == RequestStatus.PENDING) {
                scheduleEscalation(view);
            }
        });
    }

    private void scheduleExpiry(RequestView view) {
        long delay = Math.max(0, Duration.between(clock.instant(), view.deadline()).toMillis());
        timers.schedule(() -> expire(view.id()), delay, TimeUnit.MILLISECONDS);
    }

    private void expire(String requestId) {
        RequestState state = live.get(requestId);
        if (state == null) {
            return;
        }
        synchronized (state) {
            Instant now = clock.instant();
            if (state.status() == RequestStatus.PENDING && now.isBefore(state.deadline())) {
                scheduleExpiry(state.view());
                return;
            }
            expireIfDue(state, now);
        }
    }

    /** Issues the grant of an allowed or approved request. Must hold the state's monitor. */
    private CompletableFuture<JournalEntry> issueGrant(RequestState state, Instant now, Duration ttl) {
        Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
        List<String> approvers = state.votes().stream().filter(vote -> vote.verdict() == Verdict.APPROVE)
                .map(Vote::reviewer).sorted().toList();
        Grant grant = tokens.issue(UUID.randomUUID().toString(), state.request().id(), state.agent().id(),
                state.request().digest(), approvers, issuedAt, issuedAt.plus(ttl));
        state.issueGrant(grant);
        return append(state, EntryTypes.GRANT_ISSUED, JournalCodec.grantIssued(grant));
    }

    @Override
    public CompletionStage<GrantResult> consume(Agent agent, String token, ActionSubmission presented) {
        GrantTokens.Claims claims;
        try {
            claims = tokens.verify(token);
        } catch (GrantTokens.InvalidGrantException e) {
            return refused(GrantRefusal.INVALID_GRANT, e.getMessage());
        }
        Grant grant = find(claims.requestId()).map(RequestView::grant)
                .filter(issued -> issued.id().equals(claims.grantId())).orElse(null);
        if (grant == null) {
            return refused(GrantRefusal.UNKNOWN_GRANT, "no grant " + claims.grantId() + " was issued for request "
                    + claims.requestId());
        }
        String presentedDigest = ActionDigest.of(new Action(presented.action(), presented.resource(),
                presented.parameters(), presented.environment(), agent.id(), presented.onBehalfOf()));
        Instant now = clock.instant();
        if (!grant.agent().equals(agent.id())) {
            return refuseGrant(grant, GrantRefusal.NOT_YOURS, "the grant was issued to agent " + grant.agent(),
                    presentedDigest, agent, now);
        }
        if (!grant.digest().equals(presentedDigest)) {
            return refuseGrant(grant, GrantRefusal.ACTION_MISMATCH, "the action presented has digest "
                    + presentedDigest + " but the grant is bound to " + grant.digest()
                    + ": it is not the action that was approved", presentedDigest, agent, now);
        }
        if (now.isAfter(grant.expiresAt())) {
            return refuseGrant(grant, GrantRefusal.EXPIRED, "the grant expired at " + grant.expiresAt(),
                    presentedDigest, agent, now);
        }
        String requestId = grant.requestId();
        if (!consuming.add(requestId)) {
            // Not journaled: the other call may yet fail, and then this grant was never consumed.
            return refused(GrantRefusal.ALREADY_CONSUMED, "another call is consuming this grant right now");
        }
        Instant consumedAt = currentView(requestId).map(RequestView::grantConsumedAt).orElse(null);
        if (consumedAt != null) {
            consuming.remove(requestId);
            return refuseGrant(grant, GrantRefusal.ALREADY_CONSUMED, "the grant was consumed at " + consumedAt,
                    presentedDigest, agent, now);
        }
        CompletableFuture<GrantResult> result = journal.append(EntryTypes.GRANT_CONSUMED,
                        JournalCodec.grantConsumed(grant, agent.id(), now))
                .thenApplyAsync(entry -> new GrantResult.Done(recordGrantEntry(requestId, entry)));
        return result.whenComplete((done, failure) -> consuming.remove(requestId));
    }

    @Override
    public CompletionStage<GrantResult> reportExecution(Agent agent, String requestId, ExecutionReport report) {
        RequestView view = find(requestId).orElse(null);
        if (view == null || view.grant() == null) {
            return refused(view == null ? GrantRefusal.UNKNOWN_GRANT : GrantRefusal.NOT_CONSUMED,
                    "request " + requestId + (view == null ? " does not exist" : " has no grant"));
        }
        Grant grant = view.grant();
        if (!grant.agent().equals(agent.id())) {
            return refused(GrantRefusal.NOT_YOURS, "the grant was issued to agent " + grant.agent());
        }
        if (view.grantConsumedAt() == null) {
            return refused(GrantRefusal.NOT_CONSUMED, "the grant of request " + requestId + " was never consumed:"
                    + " consume it before running the action");
        }
        if (view.execution() != null || !reporting.add(requestId)) {
            return refused(GrantRefusal.ALREADY_REPORTED, "the execution of request " + requestId
                    + " was already reported");
        }
        if (currentView(requestId).map(RequestView::execution).isPresent()) {
            reporting.remove(requestId);
            return refused(GrantRefusal.ALREADY_REPORTED, "the execution of request " + requestId
                    + " was already reported");
        }
        CompletableFuture<GrantResult> result = journal.append(EntryTypes.EXECUTION_REPORTED,
                        JournalCodec.executionReported(grant, agent.id(), new ExecutionReport(report.outcome(),
                                report.resultDigest(), report.affected(), report.detail(), clock.instant())))
                .thenApplyAsync(entry -> new GrantResult.Done(recordGrantEntry(requestId, entry)));
        return result.whenComplete((done, failure) -> reporting.remove(requestId));
    }

    /** Journals a refused consumption of a genuine grant; nothing else changes. */
    private CompletionStage<GrantResult> refuseGrant(Grant grant, GrantRefusal reason, String detail,
                                                     String presentedDigest, Agent agent, Instant now) {
        return journal.append(EntryTypes.GRANT_REFUSED, JournalCodec.grantRefused(grant, reason, detail,
                        presentedDigest, agent.id(), now))
                .thenApplyAsync(entry -> {
                    recordGrantEntry(grant.requestId(), entry);
                    return new GrantResult.Refused(reason, detail);
                });
    }

    private static CompletionStage<GrantResult> refused(GrantRefusal reason, String detail) {
        return CompletableFuture.completedFuture(new GrantResult.Refused(reason, detail));
    }

    /**
     * Applies a durable entry about a request's grant, which usually arrives after the request was archived: then
     * the entry joins the recently archived overlay until the follower has indexed it, and the view is read back.
     */
    private RequestView recordGrantEntry(String requestId, JournalEntry entry) {
        RequestState state = live.get(requestId);
        if (state != null) {
            RequestView view = null;
            synchronized (state) {
                if (live.get(requestId) == state) {
                    Projection.applyGrantEntry(state, entry);
                    view = state.view();
                }
            }
            if (view != null) {
                publish(view);
                return view;
            }
        }
        recentlyArchived.append(requestId, entry.seq());
        dropIndexedArchived();
        return currentView(requestId).orElseThrow();
    }

    /** The request as the journal has it now, read back from disk if it is closed: never a cached copy. */
    private Optional<RequestView> currentView(String requestId) {
        RequestView view = committed.get(requestId);
        if (view != null) {
            return Optional.of(view);
        }
        return Optional.ofNullable(rebuildClosedView(requestId));
    }

    @Override
    public CompletionStage<Void> recordChannelEvent(ChannelEvent event) {
        Instant now = clock.instant();
        ChannelEventLimiter.Admission admission = channelEvents.admit(event.channel());
        if (!admission.admitted()) {
            return CompletableFuture.completedFuture(null);
        }
        if (admission.suppressed() > 0) {
            journal.append(ChannelEvent.Kind.REFUSED.entryType(), JournalCodec.channelEventsSuppressed(
                    event.channel(), admission.suppressed(), admission.suppressedSince(), now));
        }
        return journal.append(event.kind().entryType(), JournalCodec.channelEvent(event, now)).thenApply(e -> null);
    }

    @Override
    public String grantToken(Grant grant) {
        return grant.token() != null ? grant.token() : tokens.reissue(grant);
    }

    @Override
    public CompletionStage<StandingApproval> grantStanding(Reviewer approver, StandingApprovalSpec spec) {
        String problem = standingProblem(approver, spec);
        if (problem != null) {
            RequestRejectedException.Reason reason = problem.startsWith("!")
                    ? RequestRejectedException.Reason.NOT_ELIGIBLE : RequestRejectedException.Reason.INVALID;
            return CompletableFuture.failedFuture(new RequestRejectedException(reason, problem.replaceFirst("^!", "")));
        }
        Instant now = clock.instant();
        StandingApproval approval = new StandingApproval(UUID.randomUUID().toString(), approver.id(), spec.group(),
                spec.agent(), spec.onBehalfOf(), spec.action(), spec.environment(), spec.resource(), spec.bounds(),
                now, now.plus(spec.validFor()), spec.maxUses(), spec.reason(), 0, null, null);
        // Journaled before it can be used: a use is only ever journaled after the grant it counts against.
        return journal.append(EntryTypes.STANDING_GRANTED, StandingApprovals.granted(approval)).thenApply(entry -> {
            standing.add(approval);
            return approval;
        });
    }

    /** Why this standing approval cannot be granted ("!" first when the approver may not grant it), or null. */
    private String standingProblem(Reviewer approver, StandingApprovalSpec spec) {
        if (spec.action().startsWith(RESERVED_ACTION_PREFIX)) {
            return "a standing approval cannot cover " + spec.action() + ": Countersign's own requests are reviewed"
                    + " one by one";
        }
        if (spec.reason().isBlank()) {
            return "a standing approval needs a reason";
        }
        if (spec.validFor().isNegative() || spec.validFor().isZero()
                || spec.validFor().compareTo(limits.standingMaxWindow()) > 0) {
            return "the window must be positive and at most " + limits.standingMaxWindow() + ", got "
                    + spec.validFor();
        }
        if (spec.maxUses() < 1 || spec.maxUses() > limits.standingMaxUses()) {
            return "maxUses must be 1 to " + limits.standingMaxUses() + ", got " + spec.maxUses();
        }
        if (!approver.groups().contains(spec.group())) {
            return "!" + approver.id() + " is not in group " + spec.group();
        }
        if (approver.id().equals(spec.agent()) || spec.onBehalfOf().contains(approver.id())) {
            return "!" + approver.id() + " cannot approve actions the agent takes for them";
        }
        return null;
    }

    @Override
    public CompletionStage<Optional<StandingApproval>> revokeStanding(Reviewer by, String id) {
        StandingApproval current = standing.find(id).orElse(null);
        if (current == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (!by.id().equals(current.approver()) && !by.groups().contains(current.group())) {
            return CompletableFuture.failedFuture(new RequestRejectedException(
                    RequestRejectedException.Reason.NOT_ELIGIBLE, by.id() + " may not revoke standing approval " + id
                    + ": only its approver or a member of " + current.group() + " may"));
        }
        Optional<StandingApproval> revoked = standing.revoke(id, clock.instant(), by.id());
        if (revoked.isEmpty() || current.revokedAt() != null) {
            return CompletableFuture.completedFuture(revoked);
        }
        return journal.append(EntryTypes.STANDING_REVOKED, StandingApprovals.revoked(revoked.get()))
                .thenApply(entry -> revoked);
    }

    @Override
    public io.countersign.api.RequesterActivity activity(String agentId, String action) {
        ActivityCounts.Counts counts = activity.peek(agentId, action, clock.instant());
        return new io.countersign.api.RequesterActivity(counts.today(), counts.lastHour());
    }

    @Override
    public List<StandingApproval> standingApprovals() {
        return standing.all();
    }

    @Override
    public List<Long> journalSeqs(String requestId) {
        RequestState state = live.get(requestId);
        List<Long> seqs = new ArrayList<>();
        List<Vote> votes;
        if (state != null) {
            synchronized (state) {
                java.util.Arrays.stream(state.seqs()).forEach(seqs::add);
                votes = List.copyOf(state.votes());
            }
        } else {
            List<JournalEntry> entries = closedEntries(requestId);
            entries.forEach(entry -> seqs.add(entry.seq()));
            votes = entries.stream().filter(e -> e.type().equals(EntryTypes.REVIEW_ACCEPTED))
                    .map(e -> JournalCodec.vote(e.data())).toList();
        }
        // a step-up vote is re-checked against its passkey's registration, so the request's evidence carries it
        for (Vote vote : votes) {
            StepUp.Assertion.of(vote.evidence()).flatMap(assertion -> passkeys.find(assertion.credentialId()))
                    .filter(registered -> registered.seq() >= 0 && !seqs.contains(registered.seq()))
                    .ifPresent(registered -> seqs.add(registered.seq()));
        }
        seqs.sort(null);
        return seqs;
    }

    @Override
    public List<Long> mentions(String requestId) {
        // what is durable now has been indexed: a caller that just wrote a mention finds it
        awaitProjected(Duration.ofSeconds(5));
        return lookup.entries(RequestIndex.Kind.MENTION, requestId).stream().map(JournalEntry::seq).toList();
    }

    /** The request a closed request's idempotency key stands for, from its request.received; null if none. */
    private Keyed keyedInIndex(String agent, String idempotencyKey) {
        return lookup.entries(RequestIndex.Kind.KEY, ShadowProjection.idempotencyKey(agent, idempotencyKey)).stream()
                .findFirst().map(received -> new Keyed(received.data().path("request").asText(),
                        received.data().path("digest").asText())).orElse(null);
    }

    /** What the engine holds on the heap per request: none of it may grow with closed history. */
    record Footprint(int live, int committed, int pending, int idempotencyClaims, int recentlyArchived,
                     int projectedOpen, int awaitingGrant) {
    }

    Footprint footprint() {
        return new Footprint(live.size(), committed.size(), pending.size(), idempotency.size(),
                recentlyArchived.size(), shadow.openCount(), shadow.awaitingGrant().size());
    }

    /** Waits until the follower has applied every entry durable now (tests; and before answering mentions). */
    boolean awaitProjected(Duration maxWait) {
        return follower.awaitPosition(journal.size(), maxWait);
    }

    /** Where the snapshot this start used ends (0 without one). */
    long restoredFrom() {
        return store.restoredFrom();
    }

    /** The follower may have passed a request's entries before it was archived; then no later entry would drop it. */
    private void dropIndexedArchived() {
        indexedBelow(follower.position());
    }

    /** Called by the follower: requests whose entries are all before {@code position} are found in the index now. */
    private void indexedBelow(long position) {
        recentlyArchived.indexedBelow(position, (requestId, claimKey) -> {
            CompletableFuture<Keyed> claim = idempotency.get(claimKey);
            if (claim != null) {
                claim.thenAccept(keyed -> {
                    if (keyed.requestId().equals(requestId)) {
                        idempotency.remove(claimKey, claim);
                    }
                });
            }
        });
    }

    private void publish(RequestView view) {
        RequestView latest = committed.merge(view.id(), view,
                (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
        if (latest.status() == RequestStatus.PENDING) {
            if (pending.add(latest.id())) {
                scheduleExpiry(latest);
                scheduleEscalation(latest);
            }
        } else {
            pending.remove(latest.id());
            archive(latest);
        }
        List<CompletableFuture<Optional<RequestView>>> waiting = waiters.remove(view.id());
        if (waiting != null) {
            waiting.forEach(f -> f.complete(Optional.of(latest)));
        }
        if (latest == view) {
            for (RequestListener listener : listeners) {
                try {
                    listener.changed(latest);
                } catch (RuntimeException e) {
                    LOG.error("request listener {} failed on {}", listener, latest.id(), e);
                }
            }
        }
    }

    /**
     * Moves a closed request out of the heap: from now on its view is read back from the journal. Runs once its
     * closing entry is durable, which is after every other entry of the request.
     */
    private void archive(RequestView closed) {
        RequestState state = live.get(closed.id());
        if (state == null) {
            return;
        }
        // Under the monitor, so that a grant entry applied to the live state is never left out of the index.
        synchronized (state) {
            if (live.get(closed.id()) != state) {
                return;
            }
            String key = state.request().idempotencyKey();
            recentlyArchived.put(closed.id(), state.seqs(),
                    key == null ? null : ShadowProjection.idempotencyKey(state.agent().id(), key));
            recentlyClosed.put(state.view());
            committed.remove(closed.id());
            live.remove(closed.id());
        }
        dropIndexedArchived();
    }

    /**
     * Takes the open requests, activity counts and standing approvals from the projection of the journal, then
     * repairs what a crash left half done: a request received but never decided is denied, failing closed; one
     * allowed or approved whose grant was never journaled gets its grant.
     */
    private void recover(long started) {
        List<CompletableFuture<JournalEntry>> repairs = new ArrayList<>();
        List<RequestState> regranted = new ArrayList<>();
        for (String id : shadow.awaitingGrant()) {
            // The crash fell between the approval and its grant: issue the grant now, so the approval is usable.
            RequestState state = rebuildClosedState(id, closedEntries(id));
            LOG.warn("request {} was {} before a restart but its grant was not journaled; issuing it now", id,
                    state.status().wireName());
            synchronized (state) {
                BreakGlass how = state.view().breakGlass();
                repairs.add(issueGrant(state, clock.instant(), how == null ? grantTtl : how.grantTtl()));
            }
            regranted.add(state);
        }
        List<RequestState> open = new ArrayList<>();
        for (RequestState projected : shadow.open()) {
            RequestState state = projected.copy();
            open.add(state);
            live.put(state.request().id(), state);
            if (state.decision() == null) {
                Instant now = clock.instant();
                Decision denial = Decision.failClosed("the policy decision was not recorded before a restart;"
                        + " denied (fail closed)", policy.version());
                synchronized (state) {
                    // marked: the policy never saw this request, so a replay has nothing to compare it with
                    repairs.add(append(state, EntryTypes.POLICY_DECIDED, JournalCodec.decided(state.request().id(),
                            denial, RequestStatus.DENIED, null, now).put("repair", true)));
                    state.decide(denial, RequestStatus.DENIED, null, now);
                }
            }
        }
        CompletableFuture.allOf(repairs.toArray(CompletableFuture[]::new)).join();
        regranted.forEach(state -> recentlyArchived.put(state.request().id(), state.seqs(), null));
        for (RequestState state : open) {
            RequestView view = state.view();
            // before publishing: a request closed by the repair hands its claim to the overlay, which drops it later
            rememberKey(view);
            publish(view);
        }
        LOG.info("replayed {} journal entries in {} ms after the snapshot at {}: {} requests open",
                shadow.position() - store.restoredFrom(), (System.nanoTime() - started) / 1_000_000,
                store.restoredFrom(), pending.size());
    }

    private void rememberKey(RequestView view) {
        String key = view.request().idempotencyKey();
        if (key != null) {
            idempotency.put(view.agent().id() + '\u0000' + key,
                    CompletableFuture.completedFuture(new Keyed(view.id(), view.request().digest())));
        }
    }
}
