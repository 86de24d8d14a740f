package io.countersign.intake.rest.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Agent;
import io.countersign.api.ApprovalService;
import io.countersign.api.Directory;
import io.countersign.api.GrantResult;
import io.countersign.api.Journal;
import io.countersign.api.PolicyEngine;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.SecurityEvents;
import io.countersign.api.health.Readiness;
import io.countersign.api.health.ReadinessCheck;
import io.countersign.http.Exchanges;
import io.countersign.http.HealthSource;
import io.countersign.http.HttpRoute;
import io.countersign.http.Problem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The agent and reviewer API under {@code /v1}. Every answer that reports a change is sent only after the change is
 * journaled; every refusal is RFC 9457 problem+json and changes nothing.
 * <p>
 * It is also the node's {@link HealthSource}, registered together with the routes: the server answers
 * {@code /v1/health} and {@code /v1/health/ready} with 503 {@code starting} until this API serves, and from then on
 * with what the {@link ReadinessCheck}s say ({@link NodeHealth}). While the journal cannot write, requests that would
 * change something are refused at once with 503 and the journal's {@code Retry-After}.
 */
@Component(service = {HttpRoute.class, HealthSource.class}, property = HttpRoute.PREFIX + "=/v1",
        configurationPid = "io.countersign.intake.rest", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RestApi.Config.class)
public final class RestApi implements HttpRoute, HealthSource {

    @ObjectClassDefinition(name = "Countersign REST intake")
    public @interface Config {
        @AttributeDefinition(description = "Largest accepted request body in bytes; larger bodies get 413")
        int maxBodyBytes() default 1 << 20;

        @AttributeDefinition(description = "Longest long-poll (?wait=) in seconds")
        int maxWaitSeconds() default 60;
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    static final String SURFACE = "intake-rest";

    private final ApprovalService approvals;
    private final Directory directory;
    private final Journal journal;
    private final PolicyEngine policy;
    private final int maxBodyBytes;
    private final Duration maxWait;

    /** What the journal and any other component say about readiness. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ReadinessCheck> checks = List.of();

    /** Where refused credentials are reported (journaled as {@code access.refused}); absent in bare tests. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SecurityEvents securityEvents;

    @Activate
    public RestApi(@Reference ApprovalService approvals, @Reference Directory directory, @Reference Journal journal,
                   @Reference PolicyEngine policy, Config config) {
        this.approvals = approvals;
        this.directory = directory;
        this.journal = journal;
        this.policy = policy;
        this.maxBodyBytes = config.maxBodyBytes();
        this.maxWait = Duration.ofSeconds(config.maxWaitSeconds());
    }

    @Override
    public Status status() {
        return NodeHealth.status(checks, journal, policy);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String[] path = Request.getPathInContext(request).substring(1).split("/", -1);
        String method = request.getMethod();
        if ((method.equals("POST") || method.equals("DELETE")) && refuseWhileJournalCannotWrite(response, callback)) {
            return true;
        }
        // path[0] is "v1"
        if (path.length == 2 && path[1].equals("actions")) {
            return method.equals("POST") ? submit(request, response, callback)
                    : notAllowed(response, callback, "POST");
        }
        if (path.length == 3 && path[1].equals("actions") && !path[2].isEmpty()) {
            return method.equals("GET") ? show(path[2], request, response, callback)
                    : notAllowed(response, callback, "GET");
        }
        if (path.length == 4 && path[1].equals("actions") && path[3].equals("execution")) {
            return method.equals("POST") ? execution(path[2], request, response, callback)
                    : notAllowed(response, callback, "POST");
        }
        if (path.length == 3 && path[1].equals("grants") && path[2].equals("consume")) {
            return method.equals("POST") ? consume(request, response, callback)
                    : notAllowed(response, callback, "POST");
        }
        if (path.length == 4 && path[1].equals("actions") && path[3].equals("reviews")) {
            return method.equals("POST") ? review(path[2], request, response, callback)
                    : notAllowed(response, callback, "POST");
        }
        if (path.length == 3 && path[1].equals("reviews") && path[2].equals("pending")) {
            return method.equals("GET") ? pending(request, response, callback)
                    : notAllowed(response, callback, "GET");
        }
        if (path.length == 2 && path[1].equals("standing-approvals")) {
            return switch (method) {
                case "POST" -> grantStanding(request, response, callback);
                case "GET" -> listStanding(request, response, callback);
                default -> notAllowed(response, callback, "GET, POST");
            };
        }
        if (path.length == 3 && path[1].equals("standing-approvals") && !path[2].isEmpty()) {
            return method.equals("DELETE") ? revokeStanding(path[2], request, response, callback)
                    : notAllowed(response, callback, "DELETE");
        }
        return false;
    }

    /**
     * A change would wait for the journal until it can write again; refuse it now instead, with the journal's
     * Retry-After (the time to its next attempt). Returns whether it refused.
     */
    private boolean refuseWhileJournalCannotWrite(Response response, Callback callback) {
        Optional<Readiness> refused = NodeHealth.writesRefused(checks);
        if (refused.isEmpty()) {
            return false;
        }
        Readiness journalState = refused.get();
        Exchanges.problem(response, callback, Problem.unavailable(NodeHealth.publicDetail(journalState.reason())),
                Map.of("Retry-After", Long.toString(journalState.retryAfterSeconds())));
        return true;
    }

    private boolean submit(Request request, Response response, Callback callback) {
        Optional<Agent> agent = bearer(request).flatMap(directory::agentByKey);
        if (agent.isEmpty()) {
            return unauthorized(response, callback, "an agent API key is required: Authorization: Bearer <key>");
        }
        String idempotencyKey = request.getHeaders().get("Idempotency-Key");
        if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 255
                || !idempotencyKey.chars().allMatch(c -> c > 0x20 && c < 0x7F))) {
            return fail(response, callback, Problem.badRequest("invalid-idempotency-key",
                    "Idempotency-Key must be 1 to 255 visible ASCII characters"));
        }
        readJson(request, response, callback, body -> {
            var submission = SubmissionParser.action(body);
            return approvals.submit(agent.get(), submission, idempotencyKey).thenAccept(result ->
                    Exchanges.json(response, callback, result.replayed() ? 200 : 201,
                            Views.requestForAgent(result.view(), approvals), Map.of("Location", "/v1/actions/" + result.view().id())));
        });
        return true;
    }

    private boolean show(String id, Request request, Response response, Callback callback) {
        Optional<String> token = bearer(request);
        Optional<Agent> agent = token.flatMap(directory::agentByKey);
        Optional<Reviewer> reviewer = agent.isPresent() ? Optional.empty() : token.flatMap(directory::reviewerByToken);
        if (agent.isEmpty() && reviewer.isEmpty()) {
            return unauthorized(response, callback, "an agent API key or a reviewer token is required");
        }
        Optional<RequestView> view = approvals.find(id)
                .filter(v -> reviewer.isPresent() || v.request().action().requester().equals(agent.get().id()));
        if (view.isEmpty()) {
            return fail(response, callback, Problem.notFound("no action request " + id + " is visible to you"));
        }
        java.util.function.Function<RequestView, ObjectNode> render =
                agent.isPresent() ? v -> Views.requestForAgent(v, approvals) : Views::request;
        String wait = Request.extractQueryParameters(request).getValue("wait");
        if (wait == null || view.get().status().isTerminal()) {
            Exchanges.json(response, callback, 200, render.apply(view.get()));
            return true;
        }
        Duration waitFor;
        try {
            waitFor = WaitParameter.parse(wait, maxWait);
        } catch (SubmissionParser.InvalidInput e) {
            return fail(response, callback, Problem.badRequest("invalid-parameter", e.getMessage()));
        }
        awaitStatusChange(view.get(), System.nanoTime() + waitFor.toNanos())
                .whenComplete((latest, failure) -> {
                    if (failure != null) {
                        answerFailure(response, callback, failure);
                    } else {
                        Exchanges.json(response, callback, 200, render.apply(latest));
                    }
                });
        return true;
    }

    private CompletionStage<RequestView> awaitStatusChange(RequestView seen, long deadlineNanos) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            return CompletableFuture.completedFuture(seen);
        }
        return approvals.awaitChange(seen.id(), seen.version(), Duration.ofNanos(remaining))
                .thenCompose(next -> {
                    RequestView latest = next.orElse(seen);
                    if (latest.status() != seen.status() || latest.version() == seen.version()) {
                        return CompletableFuture.completedFuture(latest);
                    }
                    return awaitStatusChange(latest, deadlineNanos);
                });
    }

    private boolean review(String id, Request request, Response response, Callback callback) {
        Optional<Reviewer> reviewer = bearer(request).flatMap(directory::reviewerByToken);
        if (reviewer.isEmpty()) {
            return unauthorized(response, callback, "a reviewer token is required: Authorization: Bearer <token>");
        }
        readJson(request, response, callback, body -> {
            var input = SubmissionParser.review(body);
            return approvals.review(reviewer.get(), id, input.verdict(), input.comment()).thenAccept(result -> {
                if (result.isEmpty()) {
                    Exchanges.problem(response, callback, Problem.notFound("no action request " + id));
                } else if (result.get() instanceof ReviewResult.Refused refused) {
                    Exchanges.problem(response, callback, refusal(refused));
                } else {
                    Exchanges.json(response, callback, 200, Views.request(result.get().view()));
                }
            });
        });
        return true;
    }

    private boolean grantStanding(Request request, Response response, Callback callback) {
        Optional<Reviewer> reviewer = bearer(request).flatMap(directory::reviewerByToken);
        if (reviewer.isEmpty()) {
            return unauthorized(response, callback, "a reviewer token is required: Authorization: Bearer <token>");
        }
        readJson(request, response, callback, body -> {
            var spec = SubmissionParser.standing(body);
            return approvals.grantStanding(reviewer.get(), spec).thenAccept(granted ->
                    Exchanges.json(response, callback, 201, Views.standing(granted),
                            Map.of("Location", "/v1/standing-approvals/" + granted.id())));
        });
        return true;
    }

    private boolean listStanding(Request request, Response response, Callback callback) {
        Optional<Reviewer> reviewer = bearer(request).flatMap(directory::reviewerByToken);
        if (reviewer.isEmpty()) {
            return unauthorized(response, callback, "a reviewer token is required: Authorization: Bearer <token>");
        }
        ObjectNode body = JSON.objectNode();
        ArrayNode items = body.putArray("standingApprovals");
        approvals.standingApprovals().forEach(approval -> items.add(Views.standing(approval)));
        Exchanges.json(response, callback, 200, body);
        return true;
    }

    private boolean revokeStanding(String id, Request request, Response response, Callback callback) {
        Optional<Reviewer> reviewer = bearer(request).flatMap(directory::reviewerByToken);
        if (reviewer.isEmpty()) {
            return unauthorized(response, callback, "a reviewer token is required: Authorization: Bearer <token>");
        }
        Exchanges.closeUnlessBodyConsumed(response);
        approvals.revokeStanding(reviewer.get(), id).whenComplete((revoked, failure) -> {
            if (failure != null) {
                answerFailure(response, callback, failure);
            } else if (revoked.isEmpty()) {
                Exchanges.problem(response, callback, Problem.notFound("no standing approval " + id));
            } else {
                Exchanges.json(response, callback, 200, Views.standing(revoked.get()));
            }
        });
        return true;
    }

    private boolean consume(Request request, Response response, Callback callback) {
        Optional<Agent> agent = bearer(request).flatMap(directory::agentByKey);
        if (agent.isEmpty()) {
            return unauthorized(response, callback, "the agent's API key is required: Authorization: Bearer <key>");
        }
        readJson(request, response, callback, body -> {
            var consumption = SubmissionParser.consumption(body);
            return approvals.consume(agent.get(), consumption.token(), consumption.action())
                    .thenAccept(result -> answerGrant(response, callback, result));
        });
        return true;
    }

    private boolean execution(String id, Request request, Response response, Callback callback) {
        Optional<Agent> agent = bearer(request).flatMap(directory::agentByKey);
        if (agent.isEmpty()) {
            return unauthorized(response, callback, "the agent's API key is required: Authorization: Bearer <key>");
        }
        readJson(request, response, callback, body -> {
            var report = SubmissionParser.execution(body);
            return approvals.reportExecution(agent.get(), id, report)
                    .thenAccept(result -> answerGrant(response, callback, result));
        });
        return true;
    }

    private static void answerGrant(Response response, Callback callback, GrantResult result) {
        if (result instanceof GrantResult.Done done) {
            Exchanges.json(response, callback, 200, Views.request(done.view()));
            return;
        }
        GrantResult.Refused refused = (GrantResult.Refused) result;
        int status = switch (refused.reason()) {
            case INVALID_GRANT -> 400;
            case UNKNOWN_GRANT -> 404;
            case NOT_YOURS, ACTION_MISMATCH -> 403;
            case EXPIRED -> 410;
            case ALREADY_CONSUMED, NOT_CONSUMED, ALREADY_REPORTED -> 409;
        };
        Exchanges.problem(response, callback, new Problem(status, refused.reason().code(), switch (refused.reason()) {
            case INVALID_GRANT -> "Not a grant of this log";
            case UNKNOWN_GRANT -> "No such grant";
            case NOT_YOURS -> "Not your grant";
            case ACTION_MISMATCH -> "The action is not the approved one";
            case EXPIRED -> "The grant has expired";
            case ALREADY_CONSUMED -> "The grant was already used";
            case NOT_CONSUMED -> "The grant was never consumed";
            case ALREADY_REPORTED -> "The execution was already reported";
        }, refused.detail()));
    }

    private static Problem refusal(ReviewResult.Refused refused) {
        RefusalReason reason = refused.reason();
        return Problem.forbidden(reason.code(), refused.detail());
    }

    private boolean pending(Request request, Response response, Callback callback) {
        Optional<Reviewer> reviewer = bearer(request).flatMap(directory::reviewerByToken);
        if (reviewer.isEmpty()) {
            return unauthorized(response, callback, "a reviewer token is required: Authorization: Bearer <token>");
        }
        ObjectNode body = JSON.objectNode();
        body.put("reviewer", reviewer.get().id());
        ArrayNode items = body.putArray("pending");
        for (RequestView view : approvals.pendingFor(reviewer.get())) {
            items.add(Views.request(view));
        }
        Exchanges.json(response, callback, 200, body);
        return true;
    }

    private void readJson(Request request, Response response, Callback callback, JsonExchange.BodyHandler handler) {
        JsonExchange.read(request, response, callback, maxBodyBytes, body -> handler.apply(body)
                .whenComplete((ignored, failure) -> reportIfForbidden(request, failure)));
    }

    /**
     * A valid credential used for what it may not do (act for someone it may not, a reserved action, a standing
     * approval outside one's groups) is refused by the core before anything is journaled: report it here.
     */
    private void reportIfForbidden(Request request, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof RequestRejectedException rejected) {
            String code = switch (rejected.reason()) {
                case NOT_PERMITTED_TO_ACT_FOR -> "not-permitted-to-act-for";
                case RESERVED_ACTION -> "reserved-action";
                case NOT_ELIGIBLE -> "not-eligible";
                default -> null;
            };
            if (code != null) {
                reportRefusal(request, code, 403, rejected.getMessage());
            }
        }
    }

    private static void answerFailure(Response response, Callback callback, Throwable failure) {
        JsonExchange.answerFailure(response, callback, failure);
    }

    private static Optional<String> bearer(Request request) {
        return Exchanges.bearer(request);
    }

    private boolean unauthorized(Response response, Callback callback, String detail) {
        reportRefusal(response.getRequest(), bearer(response.getRequest()).isPresent() ? "credential-unknown"
                : "credential-missing", 401, detail);
        Exchanges.unauthorized(response, callback, detail);
        return true;
    }

    /** Reports a refusal the core does not journal itself; never slows or fails the answer. */
    private void reportRefusal(Request request, String code, int status, String detail) {
        SecurityEvents events = securityEvents;
        if (events != null) {
            events.refused(SURFACE, code, status, detail + " (" + request.getMethod() + " " + routeOf(request) + ")",
                    Request.getRemoteAddr(request));
        }
    }

    /** The route, without the ids in the path: a path may carry a request id, never worth a SIEM's index. */
    /**
     * The route a refused call was for, as a template: the caller chose the path, so ids become {@code {id}}, only
     * letters, digits and {@code -._/} are kept and it is cut short, before it goes into the journal and to SIEMs.
     */
    static String routeOf(Request request) {
        return routeOf(Request.getPathInContext(request));
    }

    static String routeOf(String pathInContext) {
        String[] path = pathInContext.split("/", -1);
        if (path.length > 3 && (path[2].equals("actions") || path[2].equals("standing-approvals")
                || path[2].equals("policy"))) {
            for (int i = 3; i < path.length; i++) {
                if (!KNOWN_SEGMENTS.contains(path[i])) {
                    path[i] = "{id}";
                }
            }
        }
        String route = String.join("/", path).replaceAll("[^A-Za-z0-9._/{}-]", "?");
        return route.length() <= MAX_ROUTE ? route : route.substring(0, MAX_ROUTE) + "…";
    }

    private static final java.util.Set<String> KNOWN_SEGMENTS = java.util.Set.of("reviews", "execution", "changes",
            "active");
    private static final int MAX_ROUTE = 120;

    private static boolean notAllowed(Response response, Callback callback, String allowed) {
        Exchanges.methodNotAllowed(response, callback, allowed);
        return true;
    }

    private static boolean fail(Response response, Callback callback, Problem problem) {
        Exchanges.problem(response, callback, problem);
        return true;
    }
}
