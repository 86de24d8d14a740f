package io.countersign.api;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Evidence bundles (docs/evidence-format.md §7) for other bundles to hand out, such as the console's auditor export:
 * each one verifiable offline with {@code countersign-verify}.
 */
@ProviderType
public interface EvidenceBundles {

    /** Where the bundle of one request is written. */
    @FunctionalInterface
    interface Destination {
        OutputStream open(String requestId) throws IOException;
    }

    /**
     * Writes the bundle of every entry of each request, in order, each to the stream {@code destination} opens for it,
     * and closes that stream once its bundle is complete (on failure it is left open, so a cut-off bundle never looks
     * complete). One checkpoint is signed for the whole export and every bundle is proved against it. Fails with
     * {@link IllegalArgumentException}, before anything is signed or written, when a request has no entries.
     */
    void writeRequests(List<String> requestIds, Destination destination) throws IOException;
}
