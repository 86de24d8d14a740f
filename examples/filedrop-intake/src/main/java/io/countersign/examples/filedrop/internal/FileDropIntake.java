package io.countersign.examples.filedrop.internal;

import io.countersign.api.ApprovalService;
import io.countersign.api.Directory;
import io.countersign.api.RequestListener;
import io.countersign.api.RequestView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An intake connector and an inbound review path over a folder: agents drop requests into {@code inbox/requests},
 * reviewers drop verdicts into {@code inbox/reviews}, and the answers appear under {@code outbox/}. A drop is deleted
 * only once its answer is written, and its answer is written only once what it reports is journaled: a crash in
 * between submits it again, and the idempotency key returns the same request.
 * <p>
 * It registers no service ({@code service = {}}): the listener subscribes itself, and a component that offered
 * {@code RequestListener} as a service would be delayed until someone asked for it, which nobody does.
 */
@Component(service = {}, configurationPid = FileDropIntake.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = FileDropConfig.class)
public final class FileDropIntake implements RequestListener {

    static final String PID = "io.countersign.example.filedrop";

    private static final Logger LOG = LoggerFactory.getLogger(FileDropIntake.class);

    /** Reads a drop's content; what it throws leaves the drop for the next poll. */
    private interface Handler {
        void handle(Path drop, byte[] content) throws IOException, InterruptedException, Durably.RetryLater;
    }

    private final ApprovalService approvals;
    private final DropFolders folders;
    private final RequestDrops requests;
    private final ReviewDrops reviews;
    private final ScheduledExecutorService worker;

    @Activate
    public FileDropIntake(@Reference ApprovalService approvals, @Reference Directory directory, FileDropConfig config)
            throws IOException {
        this.approvals = approvals;
        this.folders = DropFolders.create(root(config));
        this.requests = new RequestDrops(approvals, directory, folders.requestAnswers());
        this.reviews = new ReviewDrops(approvals, directory, folders.reviewAnswers());
        this.worker = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "countersign-filedrop"));
        approvals.addListener(this);
        worker.execute(requests::resume);
        worker.scheduleWithFixedDelay(this::poll, 0, Math.max(50, config.pollMillis()), TimeUnit.MILLISECONDS);
        LOG.info("file-drop intake reads {}", folders.requests().getParent());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        approvals.removeListener(this);
        worker.shutdownNow();
        worker.awaitTermination(30, TimeUnit.SECONDS);
    }

    /** On the thread that made the change durable: only hands the change to the worker. */
    @Override
    public void changed(RequestView view) {
        if (requests.watches(view.id())) {
            try {
                worker.execute(() -> requests.write(view));
            } catch (RejectedExecutionException e) {
                // deactivating: the answer is brought up to date at the next activation (resume)
            }
        }
    }

    private static Path root(FileDropConfig config) {
        if (!config.directory().isBlank()) {
            return Path.of(config.directory());
        }
        return Path.of(System.getProperty("countersign.data", System.getProperty("karaf.data", "."))).resolve("filedrop");
    }

    private void poll() {
        read(folders.requests(), requests::submit);
        read(folders.reviews(), reviews::review);
    }

    /** A drop that cannot be settled now (the journal cannot write, a failure) stays where it is for the next poll. */
    private static void read(Path inbox, Handler handler) {
        try {
            for (Path drop : DropFolders.drops(inbox)) {
                try {
                    handler.handle(drop, Files.readAllBytes(drop));
                } catch (Durably.RetryLater e) {
                    LOG.warn("{} is left for a later attempt: {}", drop, e.getMessage());
                } catch (IOException | RuntimeException e) {
                    LOG.error("{} is left for a later attempt", drop, e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.error("could not read the drop folder {}", inbox, e);
        }
    }
}
