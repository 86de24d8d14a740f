package io.countersign.intake.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.json.JsonInputException;
import io.countersign.api.json.StrictJson;
import io.countersign.http.Exchanges;
import io.countersign.http.Problem;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON request bodies (strictly parsed, bounded, UTF-8 only) and the problem+json answers to what fails. */
final class JsonExchange {

    private static final Logger LOG = LoggerFactory.getLogger(JsonExchange.class);

    private JsonExchange() {
    }

    /** A step that turns a parsed body into the answer it will write. */
    interface BodyHandler {
        CompletionStage<Void> apply(JsonNode body) throws SubmissionParser.InvalidInput;
    }

    static void read(Request request, Response response, Callback callback, int maxBodyBytes, BodyHandler handler) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (!Exchanges.isUtf8(contentType, "application/json")) {
            Exchanges.problem(response, callback, new Problem(415, "unsupported-media-type",
                    "Unsupported media type", "send the body as application/json (UTF-8), not "
                    + (contentType == null ? "no Content-Type" : contentType)));
            return;
        }
        long length = request.getLength();
        if (length > maxBodyBytes) {
            Exchanges.problem(response, callback, tooLarge(maxBodyBytes));
            return;
        }
        Content.Source.asByteArrayAsync(request, maxBodyBytes + 1).whenComplete((bytes, readFailure) -> {
            if (readFailure != null) {
                Exchanges.problem(response, callback, tooLarge(maxBodyBytes));
                return;
            }
            if (bytes.length > maxBodyBytes) {
                Exchanges.problem(response, callback, tooLarge(maxBodyBytes));
                return;
            }
            try {
                JsonNode body = StrictJson.parseObject(bytes);
                handler.apply(body).whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        answerFailure(response, callback, failure);
                    }
                });
            } catch (JsonInputException e) {
                Exchanges.problem(response, callback, Problem.badRequest("malformed-json", e.getMessage()));
            } catch (SubmissionParser.InvalidInput e) {
                Exchanges.problem(response, callback, Problem.badRequest("invalid-field", e.getMessage()));
            } catch (RuntimeException e) {
                answerFailure(response, callback, e);
            }
        });
    }

    private static Problem tooLarge(int maxBodyBytes) {
        return new Problem(413, "body-too-large", "Request body too large",
                "the body is larger than the limit of " + maxBodyBytes + " bytes");
    }

    static void answerFailure(Response response, Callback callback, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof RequestRejectedException rejected) {
            Problem problem = switch (rejected.reason()) {
                case NOT_PERMITTED_TO_ACT_FOR -> Problem.forbidden("not-permitted-to-act-for", rejected.getMessage());
                case IDEMPOTENCY_KEY_REUSED -> new Problem(422, "idempotency-key-reused",
                        "Idempotency key reused", rejected.getMessage());
                case UNAVAILABLE -> Problem.unavailable(rejected.getMessage());
                case RESERVED_ACTION -> Problem.forbidden("reserved-action", rejected.getMessage());
                case INVALID -> Problem.badRequest("invalid-request", rejected.getMessage());
                case NOT_ELIGIBLE -> Problem.forbidden("not-eligible", rejected.getMessage());
                case NOT_FOUND -> Problem.notFound(rejected.getMessage());
            };
            Exchanges.problem(response, callback, problem,
                    problem.status() == 503 ? Map.of("Retry-After", Exchanges.retryAfter(rejected.retryAfter())) : Map.of());
            return;
        }
        LOG.error("request failed", cause);
        Exchanges.problem(response, callback, new Problem(500, "internal-error", "Internal error",
                "the request could not be completed; nothing was recorded unless a later read shows it"));
    }

}
