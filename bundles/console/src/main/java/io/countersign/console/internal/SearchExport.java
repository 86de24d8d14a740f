package io.countersign.console.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.EvidenceBundles;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The evidence of an auditor's search as one download: a ZIP holding {@code search.json} (the search, who exported it
 * and when, the request ids found) and, for each request found, its evidence bundle as {@code requests/<id>.zip}, in
 * the format {@code countersign-verify} checks (docs/evidence-format.md §7). A request bundle proves each of its
 * entries is in the signed log; the list of ids says which requests the search found.
 */
final class SearchExport {

    static final String FORMAT = "countersign-evidence-search/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EvidenceBundles evidence;
    private final Clock clock;

    SearchExport(EvidenceBundles evidence, Clock clock) {
        this.evidence = evidence;
        this.clock = clock;
    }

    /**
     * Writes the download to {@code out} and closes it once complete; on failure {@code out} is left open, so a
     * streamed response is aborted rather than ended as if complete.
     */
    void write(ObjectNode search, String exportedBy, List<String> requestIds, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out, 1 << 16));
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", FORMAT);
        manifest.put("createdAt", clock.instant().toString());
        manifest.put("exportedBy", exportedBy);
        manifest.set("search", search);
        manifest.putArray("requests").addAll(requestIds.stream().map(JSON.getNodeFactory()::textNode).toList());
        zip.putNextEntry(new ZipEntry("search.json"));
        zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        zip.closeEntry();
        boolean[] inEntry = {false};
        evidence.writeRequests(requestIds, id -> {
            if (inEntry[0]) {
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry("requests/" + id + ".zip"));
            inEntry[0] = true;
            return new KeptOpen(zip);
        });
        if (inEntry[0]) {
            zip.closeEntry();
        }
        zip.close();
    }

    /** Each bundle closes the stream it is written to; here that is one member of the outer ZIP, not the ZIP. */
    private static final class KeptOpen extends FilterOutputStream {
        KeptOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
