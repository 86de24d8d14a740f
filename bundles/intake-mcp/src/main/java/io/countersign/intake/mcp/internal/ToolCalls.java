package io.countersign.intake.mcp.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.Action;
import io.countersign.api.ActionSubmission;
import io.countersign.api.Agent;
import io.countersign.api.ApprovalService;
import io.countersign.api.Directory;
import io.countersign.api.ExecutionOutcome;
import io.countersign.api.ExecutionReport;
import io.countersign.api.GrantResult;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.Reviewer;
import io.countersign.api.json.ActionDigest;
import io.countersign.api.json.Jcs;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Every {@code tools/call} through the gateway: the call becomes an action (its tool's {@link ToolMapping}), the
 * action is submitted, and only an allowed or approved action is run upstream, after its grant is consumed; the
 * result's SHA-256 is reported as the execution. Anything that fails before the grant is consumed runs nothing.
 * <p>
 * Identical calls (same agent, humans and action digest) share one request while it is open: the idempotency key is
 * derived from the digest, and a call arriving while another waits joins it and gets the same result. An action
 * approved after every caller went away is not run then: its grant stays unused until an identical call comes.
 */
final class ToolCalls {

    private static final Logger LOG = LoggerFactory.getLogger(ToolCalls.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMEMBERED_DIGESTS = 10_000;

    /** Where a call's tool lives. */
    record Target(Upstream upstream, McpSchema.Tool tool) {
    }

    private final ApprovalService approvals;
    private final Directory directory;
    private final GatewaySettings settings;
    private final Clock clock;
    private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
    /** Per action digest, the next idempotency key suffix: keys of requests already settled are not reused. */
    private final Map<String, Integer> nextKey = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > REMEMBERED_DIGESTS;
                }
            });
    /**
     * Where every continuation after the approval core runs: never on the journal's completer thread, which
     * completes the core's futures, because consuming a grant or reporting on a request that is closed reads its
     * entries back from the journal.
     */
    private final Executor executor;
    private volatile boolean stopping;

    ToolCalls(ApprovalService approvals, Directory directory, GatewaySettings settings, Clock clock,
              Executor executor) {
        this.executor = executor;
        this.approvals = approvals;
        this.directory = directory;
        this.settings = settings;
        this.clock = clock;
    }

    Mono<McpSchema.CallToolResult> call(Target target, McpAsyncServerExchange exchange,
                                        McpSchema.CallToolRequest request) {
        Object agentValue = exchange.transportContext().get(StreamableHttpTransport.AGENT);
        if (!(agentValue instanceof Agent agent)) {
            return Mono.just(Outcomes.error("no authenticated agent on this call"));
        }
        @SuppressWarnings("unchecked")
        List<String> onBehalfOf = (List<String>) exchange.transportContext().get(StreamableHttpTransport.ON_BEHALF_OF);
        Consumer<String> progress = progress(exchange, request);
        if (stopping) {
            return Mono.just(Outcomes.error("the MCP gateway is stopping; nothing was run. Call again shortly."));
        }
        var mapping = settings.mapping(request.name());
        if (mapping.isEmpty()) {
            return unmapped(target, request);
        }
        ActionSubmission submission;
        try {
            submission = mapping.get().submission(request.arguments(), onBehalfOf);
        } catch (ToolMapping.UnmappableCall e) {
            return Mono.just(Outcomes.error(e.getMessage() + "; nothing was requested or run."));
        }
        if (!target.upstream().isUp()) {
            return Mono.just(Outcomes.error("The upstream MCP server '" + target.upstream().name() + "' of tool "
                    + request.name() + " is unavailable, so nothing was requested or run. Try again later."));
        }
        String digest = ActionDigest.of(new Action(submission.action(), submission.resource(),
                submission.parameters(), submission.environment(), agent.id(), submission.onBehalfOf()));
        Pending mine = new Pending();
        Pending running = inFlight.putIfAbsent(digest, mine);
        if (running != null) {
            progress.accept("An identical call is already waiting; this call joins it.");
            return Mono.fromFuture(running.join());
        }
        Mono<McpSchema.CallToolResult> answer = Mono.fromFuture(mine.join());
        CompletableFuture<McpSchema.CallToolResult> decided;
        try {
            decided = decide(agent, submission, digest, target, request, progress, mine);
        } catch (RuntimeException e) {
            decided = CompletableFuture.failedFuture(e);
        }
        decided.whenComplete((result, failure) -> {
            inFlight.remove(digest, mine);
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                LOG.warn("MCP call {} failed closed", request.name(), cause);
                mine.result.complete(Outcomes.error("Countersign could not decide this call (" + cause.getMessage()
                        + "), so it was not run."));
            } else {
                mine.result.complete(result);
            }
        });
        return answer;
    }

    /** One open call and the callers waiting for it (the first and those that joined it). */
    private static final class Pending {
        final CompletableFuture<McpSchema.CallToolResult> result = new CompletableFuture<>();
        private final List<CompletableFuture<McpSchema.CallToolResult>> waiters =
                new java.util.concurrent.CopyOnWriteArrayList<>();

        CompletableFuture<McpSchema.CallToolResult> join() {
            CompletableFuture<McpSchema.CallToolResult> waiter = result.thenApply(r -> r);
            waiters.add(waiter);
            return waiter;
        }

        /** Every caller went away (their clients disconnected or cancelled). */
        boolean abandoned() {
            return !waiters.isEmpty() && waiters.stream().allMatch(CompletableFuture::isCancelled);
        }
    }

    /** Ends every waiting call with a tool error: the gateway is going away; nothing waiting was run. */
    void stop() {
        stopping = true;
        inFlight.forEach((digest, call) -> call.result.complete(Outcomes.error("The MCP gateway stopped while this call"
                + " waited; nothing was run. The request stays open: call again with exactly the same arguments to"
                + " go on waiting for it.")));
    }

    private Mono<McpSchema.CallToolResult> unmapped(Target target, McpSchema.CallToolRequest request) {
        McpSchema.ToolAnnotations annotations = target.tool().annotations();
        boolean readOnly = annotations != null && Boolean.TRUE.equals(annotations.readOnlyHint());
        if (settings.unmapped() == GatewaySettings.Unmapped.ALLOW_READ_ONLY && readOnly) {
            return target.upstream().call(request).onErrorResume(failure -> Mono.just(Outcomes.error(
                    "The upstream MCP server '" + target.upstream().name() + "' failed: " + failure.getMessage())));
        }
        return Mono.just(Outcomes.error("Tool " + request.name() + " is not mapped to an action Countersign can"
                + " approve, and this gateway refuses such tools" + (settings.unmapped()
                == GatewaySettings.Unmapped.ALLOW_READ_ONLY ? " unless they are read-only" : "") + ". It was not run."));
    }

    private CompletableFuture<McpSchema.CallToolResult> decide(Agent agent, ActionSubmission submission,
                                                               String digest, Target target,
                                                               McpSchema.CallToolRequest request,
                                                               Consumer<String> progress, Pending pending) {
        return submit(agent, submission, digest, nextKey.getOrDefault(digest, 0), 0).thenCompose(view -> {
            return switch (view.status()) {
                case ALLOWED, APPROVED -> execute(agent, submission, view, target, request, false, pending);
                case DENIED -> CompletableFuture.completedFuture(view.votes().isEmpty()
                        ? Outcomes.policyDenied(view) : Outcomes.reviewersDenied(view));
                case EXPIRED -> CompletableFuture.completedFuture(Outcomes.expired(view));
                case PENDING -> awaitReview(view, agent, progress).thenCompose(settled -> switch (settled.status()) {
                    case APPROVED, ALLOWED -> execute(agent, submission, settled, target, request, true, pending);
                    case DENIED -> CompletableFuture.completedFuture(Outcomes.reviewersDenied(settled));
                    case EXPIRED -> CompletableFuture.completedFuture(Outcomes.expired(settled));
                    case PENDING -> CompletableFuture.completedFuture(Outcomes.stillPending(settled));
                });
            };
        });
    }

    /**
     * Submits with the digest's idempotency key: an open request with that key is joined; a settled one (decided
     * and its grant used, or denied, or expired) belongs to an earlier call, so the next key is tried.
     */
    private CompletableFuture<RequestView> submit(Agent agent, ActionSubmission submission, String digest,
                                                  int suffix, int tries) {
        String key = "mcp-" + digest.substring(ActionDigest.PREFIX.length()) + "-" + suffix;
        return approvals.submit(agent, submission, key).toCompletableFuture().thenComposeAsync(result -> {
            RequestView view = result.view();
            if (result.replayed() && settled(view) && tries < 1_000) {
                return submit(agent, submission, digest, suffix + 1, tries + 1);
            }
            nextKey.put(digest, settled(view) || view.status() == RequestStatus.ALLOWED ? suffix + 1 : suffix);
            return CompletableFuture.completedFuture(view);
        }, executor);
    }

    private boolean settled(RequestView view) {
        if (view.status() == RequestStatus.PENDING) {
            return false;
        }
        boolean usableGrant = view.grant() != null && view.grantConsumedAt() == null
                && view.grant().expiresAt().isAfter(clock.instant());
        return !usableGrant;
    }

    private CompletableFuture<RequestView> awaitReview(RequestView pending, Agent agent, Consumer<String> progress) {
        List<Reviewer> asked = directory.reviewersIn(pending.eligibleGroups()).stream()
                .filter(r -> !pending.request().action().onBehalfOf().contains(r.id()))
                .filter(r -> r.groups().stream().anyMatch(pending.eligibleGroups()::contains)).toList();
        progress.accept(Outcomes.waiting(pending, asked));
        Instant until = clock.instant().plus(settings.reviewWait());
        return awaitLoop(pending, until, progress, asked);
    }

    private CompletableFuture<RequestView> awaitLoop(RequestView seen, Instant until, Consumer<String> progress,
                                                     List<Reviewer> asked) {
        Duration left = Duration.between(clock.instant(), until);
        if (stopping || left.isNegative() || left.isZero()) {
            return CompletableFuture.completedFuture(seen);
        }
        Duration step = left.compareTo(settings.progressInterval()) < 0 ? left : settings.progressInterval();
        return approvals.awaitChange(seen.id(), seen.version(), step).toCompletableFuture().thenComposeAsync(next -> {
            RequestView latest = next.orElse(seen);
            if (latest.status().isTerminal()) {
                return CompletableFuture.completedFuture(latest);
            }
            progress.accept(Outcomes.waiting(latest, asked));
            return awaitLoop(latest, until, progress, asked);
        }, executor);
    }

    /**
     * Runs an allowed or approved action: consumes its grant, calls the tool upstream and reports the outcome with
     * the result's digest. After a review (which may have taken long) the upstream is pinged first, so an upstream
     * that went away leaves the grant unused.
     */
    private CompletableFuture<McpSchema.CallToolResult> execute(Agent agent, ActionSubmission submission,
                                                                RequestView view, Target target,
                                                                McpSchema.CallToolRequest request, boolean reviewed,
                                                                Pending pending) {
        if (reviewed && pending.abandoned()) {
            LOG.info("request {} was {} after its caller went away: not run; an identical call runs it", view.id(),
                    view.status().wireName());
            return CompletableFuture.completedFuture(Outcomes.error("Nobody waits for this call any more; nothing"
                    + " was run (request " + view.id() + ").", view));
        }
        if (stopping) {
            return CompletableFuture.completedFuture(Outcomes.error("The MCP gateway stopped before this call ran;"
                    + " nothing was run. Call again with the same arguments (request " + view.id() + ").", view));
        }
        CompletableFuture<Boolean> reachable = reviewed ? target.upstream().ping().toFuture()
                : CompletableFuture.completedFuture(target.upstream().isUp());
        return reachable.thenCompose(up -> {
            if (!up) {
                return CompletableFuture.completedFuture(Outcomes.error("Request " + view.id() + " was "
                        + view.status().wireName() + ", but the upstream MCP server '" + target.upstream().name()
                        + "' is unavailable, so nothing was run and the grant was not used (it expires at "
                        + view.grant().expiresAt() + "). Try again later.", view));
            }
            String token = view.grant().token() != null ? view.grant().token() : approvals.grantToken(view.grant());
            return approvals.consume(agent, token, submission).toCompletableFuture().thenComposeAsync(consumed -> {
                if (consumed instanceof GrantResult.Refused refused) {
                    return CompletableFuture.completedFuture(Outcomes.error("Countersign refused the grant of request "
                            + view.id() + " (" + refused.reason().code() + (refused.detail() == null ? ""
                            : ": " + refused.detail()) + "), so nothing was run.", view));
                }
                return forward(agent, view, target, request);
            }, executor);
        });
    }

    private CompletableFuture<McpSchema.CallToolResult> forward(Agent agent, RequestView view, Target target,
                                                                McpSchema.CallToolRequest request) {
        return target.upstream().call(request).toFuture().handleAsync((result, failure) -> {
            if (failure != null) {
                String detail = "upstream " + target.upstream().name() + " failed: " + failure.getMessage();
                return report(agent, view, new ExecutionReport(ExecutionOutcome.FAILURE, null, null,
                        truncate(detail), clock.instant())).thenApply(reported -> Outcomes.error("Request "
                        + view.id() + " was " + view.status().wireName() + " and its grant used, but the upstream MCP"
                        + " server '" + target.upstream().name() + "' failed: " + failure.getMessage()
                        + ". The failure is recorded.", view));
            }
            String resultDigest = ToolMapping.sha256(Jcs.canonicalize(JSON.valueToTree(result)));
            boolean failed = Boolean.TRUE.equals(result.isError());
            Map<String, Object> meta = new LinkedHashMap<>(result.meta() == null ? Map.of() : result.meta());
            meta.put(Outcomes.META_REQUEST, view.id());
            McpSchema.CallToolResult answer = new McpSchema.CallToolResult(result.content(), result.isError(),
                    result.structuredContent(), meta);
            return report(agent, view, new ExecutionReport(failed ? ExecutionOutcome.FAILURE : ExecutionOutcome.SUCCESS,
                    resultDigest, null, failed ? "the tool reported an error" : null, clock.instant()))
                    .thenApply(reported -> answer);
        }, executor).thenCompose(answer -> answer);
    }

    /** Journals the execution report; a failure to do so is logged, never hidden from the log, and never blocks. */
    private CompletableFuture<Void> report(Agent agent, RequestView view, ExecutionReport report) {
        return approvals.reportExecution(agent, view.id(), report).toCompletableFuture().handleAsync((result, failure) -> {
            if (failure != null || result instanceof GrantResult.Refused) {
                LOG.error("the execution of request {} could not be reported: {}", view.id(),
                        failure != null ? failure.toString() : result);
            }
            return null;
        }, executor);
    }

    private static String truncate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500);
    }

    /** Sends progress notifications when the client gave a progress token; otherwise nothing. */
    private static Consumer<String> progress(McpAsyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Object token = request.meta() == null ? null : request.meta().get("progressToken");
        if (token == null) {
            return message -> {
            };
        }
        int[] step = {0};
        return message -> {
            double value;
            synchronized (step) {
                value = ++step[0];
            }
            exchange.progressNotification(new McpSchema.ProgressNotification(token, value, null, message, null))
                    .subscribe(null, failure -> LOG.debug("progress notification failed", failure));
        };
    }
}
