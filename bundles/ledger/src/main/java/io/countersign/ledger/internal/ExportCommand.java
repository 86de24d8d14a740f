package io.countersign.ledger.internal;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code countersign:export}: writes an evidence bundle to a file, for one request or a time range. */
@Command(scope = "countersign", name = "export",
        description = "Write an evidence bundle (docs/evidence-format.md) for a request or a time range")
@Service
public class ExportCommand implements Action {

    @Option(name = "--request", description = "the request id")
    String request;

    @Option(name = "--from", description = "start of the time range, e.g. 2026-11-22T00:00:00Z")
    String from;

    @Option(name = "--to", description = "end of the time range")
    String to;

    @Option(name = "--trusted-size", description = "size of a checkpoint the reader already trusts")
    Long trustedSize;

    @Argument(index = 0, name = "file", required = true, description = "where to write the bundle (.zip)")
    String file;

    @Reference
    EvidenceExporter exporter;

    @Override
    public Object execute() throws Exception {
        if ((request == null) == (from == null || to == null)) {
            System.err.println("give either --request ID or both --from and --to");
            return null;
        }
        Optional<BundlePlan> plan = request != null ? exporter.planRequest(request, trustedSize)
                : Optional.of(exporter.planRange(Instant.parse(from), Instant.parse(to), trustedSize));
        if (plan.isEmpty()) {
            System.err.println("no action request " + request);
            return null;
        }
        Path target = Path.of(file).toAbsolutePath();
        try (OutputStream out = Files.newOutputStream(target)) {
            exporter.write(plan.get(), out);
        } catch (Exception e) {
            Files.deleteIfExists(target);
            throw e;
        }
        System.out.println("Evidence written to " + target + " (" + Files.size(target) + " bytes); verify it with"
                + " java -jar countersign-verify.jar " + target);
        return null;
    }
}
