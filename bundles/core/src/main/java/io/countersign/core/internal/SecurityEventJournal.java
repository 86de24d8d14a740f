package io.countersign.core.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Journal;
import io.countersign.api.SecurityEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journals refusals reported by the HTTP surfaces as {@code access.refused}, aggregated by {@link AccessRefusals}.
 * Client addresses are kept as {@code hmac-sha256:<128 bits hex>} under a random key of this installation, so that
 * one client's refusals can be grouped without the journal (and every SIEM and evidence bundle made from it) holding
 * addresses, and without the hash being reversible by trying the IPv4 space.
 */
@Component(service = SecurityEvents.class, configurationPid = "io.countersign.core.security",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SecurityEventJournal.Config.class)
public final class SecurityEventJournal implements SecurityEvents {

    @ObjectClassDefinition(name = "Countersign security events",
            description = "Refusals of API, MCP and other callers, journaled as access.refused")
    public @interface Config {
        @AttributeDefinition(description = "How many refusals per surface and code are journaled one by one per"
                + " window; the rest are counted and the count journaled")
        int refusalsPerWindow() default 20;

        @AttributeDefinition(description = "The window, in seconds")
        int windowSeconds() default 60;

        @AttributeDefinition(description = "The file holding this installation's key for hashing client addresses;"
                + " created (owner-only) when missing")
        String clientKeyFile() default "${countersign.data}/security-events/client-address.key";
    }

    static final String HASH_PREFIX = "hmac-sha256:";
    private static final Logger LOG = LoggerFactory.getLogger(SecurityEventJournal.class);

    private final Journal journal;
    private final AccessRefusals refusals;
    private final SecretKeySpec clientKey;
    private final ScheduledExecutorService flusher;

    @Activate
    public SecurityEventJournal(@Reference Journal journal, Config config) {
        this(journal, config.refusalsPerWindow(), Duration.ofSeconds(config.windowSeconds()), Clock.systemUTC(),
                loadOrCreateKey(config.clientKeyFile()), true);
    }

    SecurityEventJournal(Journal journal, int perWindow, Duration window, Clock clock, byte[] clientKey,
                         boolean scheduleFlush) {
        this.journal = journal;
        this.clientKey = new SecretKeySpec(clientKey, "HmacSHA256");
        this.refusals = new AccessRefusals(perWindow, window, clock, this::append);
        if (scheduleFlush) {
            long periodMillis = Math.max(1000, window.toMillis() / 4);
            flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "countersign-access-refusals");
                thread.setDaemon(true);
                return thread;
            });
            flusher.scheduleWithFixedDelay(this::flushQuietly, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        } else {
            flusher = null;
        }
    }

    @Deactivate
    void deactivate() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        long pending = refusals.pending();
        if (pending > 0) {
            LOG.warn("{} refusals counted in the current window were not journaled: the component stopped", pending);
        }
    }

    @Override
    public void refused(String surface, String code, int status, String detail, String clientAddress) {
        try {
            refusals.refused(surface, code, status, detail, clientAddress == null ? null : hash(clientAddress));
        } catch (RuntimeException e) {
            LOG.warn("could not record the refusal {} {} ({})", surface, code, e.toString());
        }
    }

    void flush() {
        refusals.flush();
    }

    String hash(String clientAddress) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(clientKey);
            byte[] digest = mac.doFinal(clientAddress.getBytes(StandardCharsets.UTF_8));
            return HASH_PREFIX + HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private void flushQuietly() {
        try {
            refusals.flush();
        } catch (RuntimeException e) {
            LOG.warn("could not journal the counted refusals ({})", e.toString());
        }
    }

    private void append(ObjectNode data) {
        try {
            journal.append(ENTRY_TYPE, data).exceptionally(failure -> {
                LOG.warn("could not journal {} {} ({})", ENTRY_TYPE, data.path("code").asText(), failure.toString());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("could not journal {} {} ({})", ENTRY_TYPE, data.path("code").asText(), e.toString());
        }
    }

    static byte[] loadOrCreateKey(String configured) {
        String data = System.getProperty("countersign.data");
        if (configured.contains("${countersign.data}") && data == null) {
            LOG.info("countersign.data is not set: client addresses are hashed with a key of this run only");
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return key;
        }
        Path file = Path.of(data == null ? configured : configured.replace("${countersign.data}", data));
        try {
            if (Files.exists(file)) {
                byte[] key = HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).strip());
                if (key.length < 32) {
                    throw new IllegalArgumentException(file + " must hold at least 32 bytes as hex");
                }
                return key;
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temporary);
            try {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(temporary);
            }
            Files.writeString(temporary, HexFormat.of().formatHex(key), StandardCharsets.US_ASCII,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            try {
                Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException another) {
                Files.deleteIfExists(temporary);
                return loadOrCreateKey(configured);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the client address key " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the client address key " + file + " is not valid hex: " + e.getMessage(),
                    e);
        }
    }
}
