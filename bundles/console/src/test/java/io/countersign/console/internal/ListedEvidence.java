package io.countersign.console.internal;

import io.countersign.api.EvidenceBundles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The ledger's bundles stand-in: writes {@code bundle of <id>} for the requests it knows and records what was asked;
 * the real bundles and their verification are the integration test's (ConsoleAuditorIT).
 */
final class ListedEvidence implements EvidenceBundles {

    final List<String> known = new CopyOnWriteArrayList<>();
    final List<String> written = new CopyOnWriteArrayList<>();

    @Override
    public void writeRequests(List<String> requestIds, Destination destination) throws IOException {
        for (String id : requestIds) {
            if (!known.contains(id)) {
                throw new IllegalArgumentException("there is no request " + id);
            }
        }
        for (String id : requestIds) {
            written.add(id);
            OutputStream out = destination.open(id);
            out.write(("bundle of " + id).getBytes(StandardCharsets.UTF_8));
            out.close();
        }
    }
}
