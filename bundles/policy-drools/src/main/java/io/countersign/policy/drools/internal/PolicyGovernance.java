package io.countersign.policy.drools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ActionSubmission;
import io.countersign.api.ActivePolicy;
import io.countersign.api.Agent;
import io.countersign.api.ApprovalService;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.PolicyChange;
import io.countersign.api.PolicyChanges;
import io.countersign.api.RequestListener;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Four-eyes policy changes. A proposed rule set must compile and pass its own tests; it is then journaled in full
 * ({@code policy.proposed}) and reviewed through Countersign's own approval flow, as a request Countersign raises
 * ({@code countersign.policy.change}) for the policy-admin group, with the author unable to review it. Only when that
 * request is approved is the rule set activated ({@code policy.activated} with its hash and approvers), and only on
 * top of the rule set it was proposed against: an approval of a change that another change overtook activates
 * nothing. There is no other way to change a governed policy.
 */
@Component(service = PolicyChanges.class, configurationPid = PolicyGovernance.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = PolicyGovernance.Config.class)
public final class PolicyGovernance implements PolicyChanges {
    static final String PID = "io.countersign.policy.governance";
    static final String ACTION = ApprovalService.RESERVED_ACTION_PREFIX + "policy.change";
    /** Who raises the review requests of policy changes. */
    static final Agent RAISED_BY = new Agent("countersign-policy", List.of());
    private static final Logger LOG = LoggerFactory.getLogger(PolicyGovernance.class);

    @ObjectClassDefinition(name = "Countersign policy changes",
            description = "Who reviews proposed rule sets, how many of them, and how long they have")
    public @interface Config {
        @AttributeDefinition(description = "The directory group whose members propose and review policy changes")
        String adminGroup() default "policy-admins";

        @AttributeDefinition(description = "Approvals a change needs from the group, the author excluded (at least 2)")
        int approvals() default 2;

        @AttributeDefinition(description = "How long reviewers have, as an ISO-8601 duration")
        String reviewTimeout() default "P2D";
    }

    private final DroolsPolicyEngine engine;
    private final ApprovalService approvals;
    private final Journal journal;
    private final Clock clock;
    private final String adminGroup;
    private final int quorum;
    private final Duration reviewTimeout;
    /** Changes by id, in the order proposed; guarded by {@code this}. */
    private final Map<String, PolicyChange> changes = new LinkedHashMap<>();
    /** The files of changes still pending, by change id; guarded by {@code this}. */
    private final Map<String, Map<String, String>> pendingFiles = new LinkedHashMap<>();
    private final ExecutorService activations = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "countersign-policy-changes");
        thread.setDaemon(true);
        return thread;
    });
    private final RequestListener listener = this::changed;

    @Activate
    public PolicyGovernance(@Reference DroolsPolicyEngine engine, @Reference ApprovalService approvals,
                            @Reference Journal journal, Config config) {
        this(engine, approvals, journal, config.adminGroup(), config.approvals(), reviewTimeout(config),
                Clock.systemUTC());
    }

    PolicyGovernance(DroolsPolicyEngine engine, ApprovalService approvals, Journal journal, String adminGroup,
                     int quorum, Duration reviewTimeout, Clock clock) {
        if (quorum < 2) {
            throw new IllegalArgumentException(PID + ": a policy change needs at least 2 approvals, got " + quorum);
        }
        if (adminGroup == null || adminGroup.isBlank()) {
            throw new IllegalArgumentException(PID + ": adminGroup is required");
        }
        this.engine = engine;
        this.approvals = approvals;
        this.journal = journal;
        this.adminGroup = adminGroup.strip();
        this.quorum = quorum;
        this.reviewTimeout = reviewTimeout;
        this.clock = clock;
        recover();
        approvals.addListener(listener);
        // a change approved while this component was down is activated now
        List<PolicyChange> pending;
        synchronized (this) {
            pending = changes.values().stream().filter(c -> c.status() == PolicyChange.Status.PENDING).toList();
        }
        pending.forEach(change -> approvals.find(change.request()).ifPresent(this::changed));
    }

    @Deactivate
    void close() {
        approvals.removeListener(listener);
        activations.shutdown();
        try {
            activations.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public CompletionStage<PolicyChange> propose(Reviewer author, Map<String, String> files, String description) {
        try {
            return proposeChecked(author, files, description == null ? "" : description.strip());
        } catch (RequestRejectedException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<PolicyChange> proposeChecked(Reviewer author, Map<String, String> files,
                                                         String description) {
        if (!author.groups().contains(adminGroup)) {
            throw rejected(RequestRejectedException.Reason.NOT_ELIGIBLE, author.id() + " is not in " + adminGroup
                    + ", the group that proposes and reviews policy changes");
        }
        for (String name : files.keySet()) {
            if (!PolicyEntries.isRuleFile(name) && !PolicyEntries.isTestFile(name)) {
                throw rejected(RequestRejectedException.Reason.INVALID, "file '" + name + "' is neither NAME.drl nor"
                        + " tests/NAME.yaml");
            }
        }
        List<RuleFiles.RuleFile> rules = PolicyEntries.ruleFiles(files);
        Map<String, byte[]> tests = PolicyEntries.testFiles(files);
        if (rules.isEmpty()) {
            throw rejected(RequestRejectedException.Reason.INVALID, "a rule set has at least one .drl file");
        }
        if (tests.isEmpty()) {
            throw rejected(RequestRejectedException.Reason.INVALID, "a rule set comes with its tests (tests/*.yaml):"
                    + " a change without tests cannot be submitted");
        }
        RuleTestReport report = RuleTests.run(rules, tests, DroolsPolicyEngine.loader());
        if (!report.passed()) {
            throw rejected(RequestRejectedException.Reason.INVALID, "the rule set fails its tests, so it cannot be"
                    + " submitted:\n" + report.text());
        }
        String base = engine.startedVersion();
        if (report.version().equals(base)) {
            throw rejected(RequestRejectedException.Reason.INVALID, "rule set " + base + " is already active");
        }
        String id = UUID.randomUUID().toString();
        ObjectNode parameters = JsonNodeFactory.instance.objectNode();
        parameters.put("change", id);
        parameters.put("version", report.version());
        parameters.put("baseVersion", base);
        var listed = parameters.putArray("files");
        new TreeMap<>(files).forEach((name, text) -> listed.addObject().put("name", name).put("sha256",
                sha256(text)));
        parameters.putObject("tests").put("cases", report.cases());
        ReviewRoute route = new ReviewRoute(List.of(new GroupQuorum(adminGroup, quorum)), reviewTimeout, 1);
        String reason = "policy change by " + author.id() + (description.isEmpty() ? "" : ": " + description)
                + "; rule set " + report.version() + " passes its " + report.cases() + " test cases; it goes live"
                + " only when " + quorum + " members of " + adminGroup + " other than the author approve";
        ActionSubmission submission = new ActionSubmission(ACTION, "policy", parameters, "production",
                List.of(author.id()), description.isEmpty() ? "policy change " + id : description);
        Instant at = clock.instant();
        return approvals.raise(RAISED_BY, submission, route, reason).thenCompose(view -> {
            PolicyChange change = new PolicyChange(id, author.id(), description, report.version(), base,
                    new ArrayList<>(new TreeMap<>(files).keySet()), report.cases(), view.id(), at,
                    PolicyChange.Status.PENDING, List.of(), null, null);
            ObjectNode data = JsonNodeFactory.instance.objectNode();
            data.put("change", id);
            data.put("reviewRequest", view.id());
            data.put("author", author.id());
            data.put("description", description);
            data.put("version", report.version());
            data.put("baseVersion", base);
            data.put("testCases", report.cases());
            data.put("at", at.toString());
            data.set("files", PolicyEntries.files(files));
            synchronized (this) {
                changes.put(id, change);
                pendingFiles.put(id, new TreeMap<>(files));
            }
            return journal.append(PolicyEntries.PROPOSED, data).thenApply(entry -> {
                LOG.info("policy change {} proposed by {}: rule set {}, review request {}", id, author.id(),
                        report.version(), view.id());
                return change;
            });
        });
    }

    @Override
    public synchronized List<PolicyChange> changes() {
        List<PolicyChange> list = new ArrayList<>(changes.values());
        list.sort(Comparator.comparing(PolicyChange::proposedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .reversed());
        return list;
    }

    @Override
    public synchronized Optional<PolicyChange> change(String id) {
        return Optional.ofNullable(changes.get(id));
    }

    @Override
    public ActivePolicy active() {
        return engine.active();
    }

    /** Every request change reaches here; only the closing of a policy change's review matters. */
    private void changed(RequestView view) {
        if (!view.request().action().action().equals(ACTION) || !view.status().isTerminal()) {
            return;
        }
        PolicyChange change;
        synchronized (this) {
            change = changes.values().stream().filter(c -> c.request().equals(view.id())
                    && c.status() == PolicyChange.Status.PENDING).findFirst().orElse(null);
        }
        if (change != null) {
            activations.execute(() -> settle(change.id(), view));
        }
    }

    /** Activates an approved change, or closes it; on its own thread, off the journal's. */
    private void settle(String changeId, RequestView view) {
        PolicyChange change;
        Map<String, String> files;
        synchronized (this) {
            change = changes.get(changeId);
            files = pendingFiles.get(changeId);
            if (change == null || change.status() != PolicyChange.Status.PENDING) {
                return;
            }
        }
        Instant now = clock.instant();
        if (view.status() != RequestStatus.APPROVED) {
            close(change, view.status() == RequestStatus.EXPIRED ? PolicyChange.Status.EXPIRED
                    : PolicyChange.Status.DENIED, "the review request was " + view.status().wireName(), now);
            return;
        }
        List<String> approvers = view.votes().stream().filter(v -> v.verdict() == Verdict.APPROVE)
                .map(Vote::reviewer).sorted().toList();
        String active = engine.startedVersion();
        if (!active.equals(change.baseVersion())) {
            close(change, PolicyChange.Status.STALE, "approved, but it was proposed against " + change.baseVersion()
                    + " and " + active + " is active now: propose it again on top of the active rule set",
                    now);
            return;
        }
        List<RuleFiles.RuleFile> rules = PolicyEntries.ruleFiles(files);
        CompileResult compiled = engine.compile(new RuleFiles(rules, RuleFiles.versionOf(rules)));
        if (compiled instanceof CompileResult.Failed || !compiled.version().equals(change.version())) {
            close(change, PolicyChange.Status.STALE, "approved, but it no longer compiles to " + change.version()
                    + ": " + (compiled instanceof CompileResult.Failed f ? f.errors() : compiled.version()), now);
            return;
        }
        try {
            engine.activateApproved(((CompileResult.Compiled) compiled).policy(), files, change.id(), view.id(),
                    approvers);
        } catch (RuntimeException e) {
            // not journaled, so not active: the approval stands and is retried at the next start
            LOG.error("policy change {} was approved but could not be activated", change.id(), e);
            return;
        }
        synchronized (this) {
            changes.put(change.id(), change.closed(PolicyChange.Status.ACTIVATED, approvers, now, null));
            pendingFiles.remove(change.id());
        }
        LOG.info("policy change {} activated: rule set {} approved by {}", change.id(), change.version(), approvers);
    }

    private void close(PolicyChange change, PolicyChange.Status status, String why, Instant at) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("change", change.id());
        data.put("reviewRequest", change.request());
        data.put("status", status.wireName());
        data.put("detail", why);
        data.put("at", at.toString());
        journal.append(PolicyEntries.CLOSED, data).join();
        synchronized (this) {
            changes.put(change.id(), change.closed(status, List.of(), at, why));
            pendingFiles.remove(change.id());
        }
        LOG.info("policy change {} closed ({}): {}", change.id(), status.wireName(), why);
    }

    /** Rebuilds the changes from the entries the engine read at start and the journal after them. */
    private void recover() {
        PolicyHistory read = engine.takeHistory();
        read.entries().forEach(this::replay);
        journal.replay(read.nextSeq(), this::replay);
    }

    private void replay(JournalEntry entry) {
        JsonNode data = entry.data();
        switch (entry.type()) {
            case PolicyEntries.PROPOSED -> {
                Map<String, String> files = PolicyEntries.files(data.path("files"));
                PolicyChange change = new PolicyChange(data.path("change").asText(), data.path("author").asText(),
                        data.path("description").asText(), data.path("version").asText(),
                        data.path("baseVersion").asText(), new ArrayList<>(files.keySet()),
                        data.path("testCases").asInt(), data.path("reviewRequest").asText(),
                        Instant.parse(data.path("at").asText()), PolicyChange.Status.PENDING, List.of(), null, null);
                synchronized (this) {
                    changes.put(change.id(), change);
                    pendingFiles.put(change.id(), files);
                }
            }
            case PolicyEntries.ACTIVATED -> {
                String id = data.path("change").asText(null);
                if (id != null) {
                    List<String> approvers = new ArrayList<>();
                    data.path("approvers").forEach(a -> approvers.add(a.asText()));
                    synchronized (this) {
                        changes.computeIfPresent(id, (key, change) -> change.closed(PolicyChange.Status.ACTIVATED,
                                approvers, Instant.parse(data.path("at").asText()), null));
                        pendingFiles.remove(id);
                    }
                }
            }
            case PolicyEntries.CLOSED -> {
                String id = data.path("change").asText();
                synchronized (this) {
                    changes.computeIfPresent(id, (key, change) -> change.closed(PolicyChange.Status.valueOf(
                                    data.path("status").asText().toUpperCase(java.util.Locale.ROOT)), List.of(),
                            Instant.parse(data.path("at").asText()), data.path("detail").asText()));
                    pendingFiles.remove(id);
                }
            }
            default -> {
            }
        }
    }

    private static RequestRejectedException rejected(RequestRejectedException.Reason reason, String message) {
        return new RequestRejectedException(reason, message);
    }

    private static String sha256(String text) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    private static Duration reviewTimeout(Config config) {
        try {
            return Duration.parse(config.reviewTimeout().strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(PID + ": reviewTimeout must be an ISO-8601 duration such as P2D, got "
                    + config.reviewTimeout(), e);
        }
    }
}
