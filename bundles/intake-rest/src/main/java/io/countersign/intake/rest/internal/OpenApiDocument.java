package io.countersign.intake.rest.internal;

import io.countersign.http.Exchanges;
import io.countersign.http.HttpRoute;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Component;

/**
 * {@code GET /v1/openapi.json}: the OpenAPI 3.1 description of the whole HTTP API, a static resource of this bundle.
 * Anyone may read it; clients may keep it and revalidate with {@code If-None-Match}.
 */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=" + OpenApiDocument.PATH)
public final class OpenApiDocument implements HttpRoute {

    static final String PATH = "/v1/openapi.json";
    static final String RESOURCE = "/openapi/openapi.json";

    private final byte[] document;
    private final String etag;

    public OpenApiDocument() {
        this.document = read();
        this.etag = "\"" + HexFormat.of().formatHex(Arrays.copyOf(sha256(document), 16)) + "\"";
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!Request.getPathInContext(request).equals(PATH)) {
            return false;
        }
        if (!request.getMethod().equals("GET")) {
            Exchanges.methodNotAllowed(response, callback, "GET");
            return true;
        }
        response.getHeaders().put(HttpHeader.ETAG, etag);
        // stored, but revalidated on each use: a client never reads an older document after an upgrade
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        if (matches(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
            response.setStatus(304);
            callback.succeeded();
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(document), callback);
        return true;
    }

    /** RFC 9110 §13.1.2: a list of entity tags or {@code *}, compared weakly. */
    private boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String candidate = tag.trim();
            if (candidate.startsWith("W/")) {
                candidate = candidate.substring(2);
            }
            if (candidate.equals("*") || candidate.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    static byte[] read() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the bundle");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
