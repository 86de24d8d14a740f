package io.countersign.http;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A part of the HTTP API contributed by a bundle, registered as an OSGi service with the {@link #PREFIX} property.
 * The server sends it every request whose path starts with that prefix (the longest prefix wins) and keeps serving
 * while routes come and go.
 * <p>
 * Contract as in Jetty's core {@code Handler}: return {@code true} and eventually complete {@code callback}, or
 * return {@code false} to let the server answer 404.
 */
@ConsumerType
public interface HttpRoute {

    /** Service property: the path prefix this route serves, e.g. {@code /v1}. */
    String PREFIX = "countersign.http.prefix";

    boolean handle(Request request, Response response, Callback callback) throws Exception;
}
