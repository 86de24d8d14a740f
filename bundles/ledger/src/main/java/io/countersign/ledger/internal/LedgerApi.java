package io.countersign.ledger.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Checkpoint;
import io.countersign.api.Checkpoints;
import io.countersign.api.Directory;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.MerkleLog;
import io.countersign.api.SigningKeys;
import io.countersign.api.json.KeyListing;
import io.countersign.http.Exchanges;
import io.countersign.http.HttpRoute;
import io.countersign.http.Problem;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * {@code /v1/ledger}: the entries (reviewers only), and what anyone may fetch to check them: the newest checkpoint,
 * inclusion and consistency proofs, and the public keys (docs/evidence-format.md §8).
 */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=/v1/ledger",
        configurationPid = "io.countersign.ledger.api", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = LedgerApi.Config.class)
public final class LedgerApi implements HttpRoute {

    @ObjectClassDefinition(name = "Countersign ledger API")
    public @interface Config {
        @AttributeDefinition(description = "Most ledger entries one page may return")
        int maxEntriesPage() default 1000;
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Journal journal;
    private final MerkleLog log;
    private final Checkpoints checkpoints;
    private final SigningKeys keys;
    private final Directory directory;
    private final int maxEntriesPage;

    @Activate
    public LedgerApi(@Reference Journal journal, @Reference MerkleLog log, @Reference Checkpoints checkpoints,
                     @Reference SigningKeys keys, @Reference Directory directory, Config config) {
        this.journal = journal;
        this.log = log;
        this.checkpoints = checkpoints;
        this.keys = keys;
        this.directory = directory;
        this.maxEntriesPage = config.maxEntriesPage();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String route = path.substring("/v1/ledger".length());
        if (!request.getMethod().equals("GET")) {
            boolean known = switch (route) {
                case "/entries", "/checkpoint", "/proof/inclusion", "/proof/consistency", "/keys" -> true;
                default -> false;
            };
            if (known) {
                Exchanges.methodNotAllowed(response, callback, "GET");
            }
            return known;
        }
        Fields query = Request.extractQueryParameters(request);
        try {
            switch (route) {
                case "/entries" -> entries(request, query, response, callback);
                case "/checkpoint" -> checkpoint(response, callback);
                case "/proof/inclusion" -> inclusion(query, response, callback);
                case "/proof/consistency" -> consistency(query, response, callback);
                case "/keys" -> Exchanges.json(response, callback, 200, KeyListing.toJson(keys.origin(), keys.keys()));
                default -> {
                    return false;
                }
            }
        } catch (QueryParameters.Invalid e) {
            Exchanges.problem(response, callback, Problem.badRequest("invalid-parameter", e.getMessage()));
        }
        return true;
    }

    private void entries(Request request, Fields query, Response response, Callback callback)
            throws QueryParameters.Invalid {
        if (Exchanges.bearer(request).flatMap(directory::reviewerByToken).isEmpty()) {
            Exchanges.unauthorized(response, callback, "a reviewer token is required to read the ledger");
            return;
        }
        long from = QueryParameters.nonNegative(query, "from", 0L);
        int limit = (int) Math.min(maxEntriesPage, QueryParameters.nonNegative(query, "limit", 100L));
        ObjectNode body = JSON.objectNode();
        body.put("size", journal.size());
        ArrayNode array = body.putArray("entries");
        for (JournalEntry entry : journal.read(from, limit)) {
            ObjectNode json = array.addObject();
            json.put("seq", entry.seq());
            json.put("time", entry.time().toString());
            json.put("type", entry.type());
            json.set("data", entry.data());
            json.put("prev", entry.prevHash());
            json.put("hash", entry.hash());
        }
        Exchanges.json(response, callback, 200, body);
    }

    private void checkpoint(Response response, Callback callback) {
        Optional<Checkpoint> latest = checkpoints.latest();
        if (latest.isEmpty()) {
            Exchanges.problem(response, callback, Problem.unavailable("no checkpoint has been signed yet"));
            return;
        }
        Exchanges.json(response, callback, 200, ProofJson.checkpoint(latest.get()));
    }

    private long newestSize() {
        return checkpoints.latest().map(Checkpoint::size).orElse(0L);
    }

    private void inclusion(Fields query, Response response, Callback callback) throws QueryParameters.Invalid {
        long entry = QueryParameters.required(query, "entry");
        long size = QueryParameters.nonNegative(query, "size", newestSize());
        QueryParameters.check(size <= log.size(), "'size' " + size + " is beyond the log (" + log.size()
                + " entries)");
        QueryParameters.check(entry < size, "'entry' " + entry + " is not in a tree of " + size + " entries");
        ObjectNode proof = ProofJson.inclusion(log, entry, size);
        checkpoints.ofSize(size).ifPresent(signed -> proof.put("checkpoint", signed.note()));
        Exchanges.json(response, callback, 200, proof);
    }

    private void consistency(Fields query, Response response, Callback callback) throws QueryParameters.Invalid {
        long from = QueryParameters.required(query, "from");
        long to = QueryParameters.nonNegative(query, "to", newestSize());
        QueryParameters.check(to <= log.size(), "'to' " + to + " is beyond the log (" + log.size() + " entries)");
        QueryParameters.check(from <= to, "'from' " + from + " is after 'to' " + to);
        Exchanges.json(response, callback, 200, ProofJson.consistency(log, from, to));
    }
}
