package io.countersign.intake.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ActivePolicy;
import io.countersign.api.Directory;
import io.countersign.api.PolicyChange;
import io.countersign.api.PolicyChanges;
import io.countersign.api.Reviewer;
import io.countersign.http.Exchanges;
import io.countersign.http.HttpRoute;
import io.countersign.http.Problem;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Policy changes under {@code /v1/policy}: a policy admin proposes a rule set with its tests; the review goes through
 * {@code POST /v1/actions/{request}/reviews} like any other request.
 */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=/v1/policy")
public final class PolicyChangesApi implements HttpRoute {

    /** Rule sets are text, but a large one with its tests is bigger than an action. */
    private static final int MAX_BODY_BYTES = 16 << 20;
    private static final Set<String> FIELDS = Set.of("description", "files");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final PolicyChanges changes;
    private final Directory directory;

    @Activate
    public PolicyChangesApi(@Reference PolicyChanges changes, @Reference Directory directory) {
        this.changes = changes;
        this.directory = directory;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String[] path = Request.getPathInContext(request).substring(1).split("/", -1);
        String method = request.getMethod();
        // path[0] is "v1", path[1] is "policy"
        Optional<Reviewer> reviewer = Exchanges.bearer(request).flatMap(directory::reviewerByToken);
        if (path.length == 3 && path[2].equals("changes")) {
            if (reviewer.isEmpty()) {
                return unauthorized(response, callback);
            }
            if (method.equals("POST")) {
                JsonExchange.read(request, response, callback, MAX_BODY_BYTES, body -> {
                    ProposedBody proposed = parse(body);
                    return changes.propose(reviewer.get(), proposed.files(), proposed.description())
                            .thenAccept(change -> Exchanges.json(response, callback, 201, view(change),
                                    Map.of("Location", "/v1/policy/changes/" + change.id())));
                });
                return true;
            }
            if (method.equals("GET")) {
                ObjectNode body = JSON.objectNode();
                ArrayNode items = body.putArray("changes");
                changes.changes().forEach(change -> items.add(view(change)));
                Exchanges.json(response, callback, 200, body);
                return true;
            }
            Exchanges.methodNotAllowed(response, callback, "GET, POST");
            return true;
        }
        if (path.length == 4 && path[2].equals("changes") && !path[3].isEmpty()) {
            if (reviewer.isEmpty()) {
                return unauthorized(response, callback);
            }
            if (!method.equals("GET")) {
                Exchanges.methodNotAllowed(response, callback, "GET");
                return true;
            }
            Optional<PolicyChange> change = changes.change(path[3]);
            if (change.isEmpty()) {
                Exchanges.problem(response, callback, Problem.notFound("no policy change " + path[3]));
            } else {
                Exchanges.json(response, callback, 200, view(change.get()));
            }
            return true;
        }
        if (path.length == 3 && path[2].equals("active")) {
            if (!method.equals("GET")) {
                Exchanges.methodNotAllowed(response, callback, "GET");
                return true;
            }
            Exchanges.json(response, callback, 200, view(changes.active()));
            return true;
        }
        return false;
    }

    private record ProposedBody(String description, Map<String, String> files) {
    }

    private static ProposedBody parse(JsonNode body) throws SubmissionParser.InvalidInput {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new SubmissionParser.InvalidInput("unknown field '" + name + "'; expected only "
                        + FIELDS.stream().sorted().toList());
            }
        }
        JsonNode description = body.path("description");
        if (!description.isMissingNode() && !description.isNull() && !description.isTextual()) {
            throw new SubmissionParser.InvalidInput("'/description' must be a string");
        }
        JsonNode files = body.get("files");
        if (files == null || !files.isObject() || files.isEmpty()) {
            throw new SubmissionParser.InvalidInput("'/files' is required: the rule set's files by name, such as"
                    + " {\"data-export.drl\": \"...\", \"tests/data-export.yaml\": \"...\"}");
        }
        Map<String, String> contents = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> file = it.next();
            if (!file.getValue().isTextual()) {
                throw new SubmissionParser.InvalidInput("'/files/" + file.getKey() + "' must be the file's text");
            }
            contents.put(file.getKey(), file.getValue().textValue());
        }
        return new ProposedBody(description.isTextual() ? description.textValue() : "", contents);
    }

    static ObjectNode view(PolicyChange change) {
        ObjectNode json = JSON.objectNode();
        json.put("id", change.id());
        json.put("status", change.status().wireName());
        json.put("author", change.author());
        json.put("description", change.description());
        json.put("version", change.version());
        json.put("baseVersion", change.baseVersion());
        change.files().forEach(json.putArray("files")::add);
        json.put("testCases", change.testCases());
        json.put("request", change.request());
        if (change.proposedAt() != null) {
            json.put("proposedAt", change.proposedAt().toString());
        }
        change.approvers().forEach(json.putArray("approvers")::add);
        if (change.closedAt() != null) {
            json.put("closedAt", change.closedAt().toString());
        }
        if (change.detail() != null) {
            json.put("detail", change.detail());
        }
        return json;
    }

    static ObjectNode view(ActivePolicy active) {
        ObjectNode json = JSON.objectNode();
        json.put("version", active.version());
        json.put("mode", active.mode());
        if (active.activatedAt() != null) {
            json.put("activatedAt", active.activatedAt().toString());
        }
        if (active.change() != null) {
            json.put("change", active.change());
        }
        active.approvers().forEach(json.putArray("approvers")::add);
        return json;
    }

    private static boolean unauthorized(Response response, Callback callback) {
        Exchanges.unauthorized(response, callback, "a reviewer token is required: Authorization: Bearer <token>");
        return true;
    }
}
