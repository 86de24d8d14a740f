package io.countersign.http.internal;

import io.countersign.http.Exchanges;
import io.countersign.http.Problem;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (an unparsable request line or URI, a URI or headers too large, an unknown HTTP version, a
 * failure before any route ran) as RFC 9457 problem+json like every other error, whatever the method or the Accept
 * header, and never with the exception's text.
 */
final class ProblemErrorHandler extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException failure) {
            status = failure.getCode();
        }
        if (status < 400 || status > 599) {
            status = HttpStatus.INTERNAL_SERVER_ERROR_500;
        }
        response.setStatus(status);
        if (HttpStatus.hasNoBody(status) || request.getMethod().equals("HEAD")) {
            callback.succeeded();
            return true;
        }
        Exchanges.problem(response, callback, problem(status));
        return true;
    }

    static Problem problem(int status) {
        return switch (status) {
            case 400 -> Problem.badRequest("bad-request", "the request is not valid HTTP: check its request line, "
                    + "URI and headers");
            case 404 -> Problem.notFound("nothing is served here");
            case 405 -> Problem.methodNotAllowed("this method is not allowed here");
            case 408 -> new Problem(408, "request-timeout", "Request timeout", "the request took too long to arrive");
            case 413 -> new Problem(413, "body-too-large", "Request body too large", "the request is too large");
            case 414 -> new Problem(414, "uri-too-long", "URI too long", "the request URI is longer than the "
                    + "server accepts");
            case 431 -> new Problem(431, "headers-too-large", "Request header fields too large",
                    "the request headers are larger than the server accepts");
            case 501 -> new Problem(501, "not-implemented", "Not implemented", "the server does not support this "
                    + "request");
            case 503 -> Problem.unavailable("the server cannot answer now; try again later");
            case 505 -> new Problem(505, "http-version-not-supported", "HTTP version not supported",
                    "use HTTP/1.1 (or HTTP/1.0)");
            default -> status >= 500
                    ? new Problem(status, "internal-error", "Internal error", "the server failed to handle this "
                    + "request")
                    : new Problem(status, "http-" + status, HttpStatus.getMessage(status), "the request was refused");
        };
    }
}
