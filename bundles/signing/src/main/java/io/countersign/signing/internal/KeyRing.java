package io.countersign.signing.internal;

import io.countersign.api.LogKey;
import io.countersign.api.Signature;
import io.countersign.api.SigningKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's keys in a directory of the data area; the first start creates the origin and the first key. */
@Component(service = SigningKeys.class, configurationPid = "io.countersign.signing",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = KeyRing.Config.class)
public final class KeyRing implements SigningKeys {

    @ObjectClassDefinition(name = "Countersign signing keys",
            description = "The Ed25519 keys that sign checkpoints and grants")
    public @interface Config {
        @AttributeDefinition(description = "Directory holding keys.json and the private seeds; created if missing")
        String directory();

        @AttributeDefinition(description = "Name of the log, used only when the directory is first created;"
                + " empty picks countersign.local/<random>. It never changes afterwards.")
        String origin() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    // Signed-note key names must not hold white space or '+'; one line of printable ASCII keeps origins portable.
    private static final Pattern ORIGIN = Pattern.compile("[\\x21-\\x2A\\x2C-\\x7E]{1,200}");

    private record State(String origin, List<LogKey> keys, Map<String, LogKey> byId, Ed25519.PrivateKey signer) {
        LogKey current() {
            return keys.get(keys.size() - 1);
        }
    }

    private final KeyDirectory files;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Signing holds the read lock and rotating the write lock, so no key signs after its retirement time. */
    private final ReadWriteLock rotation = new ReentrantReadWriteLock();
    private final Map<String, Ed25519.PrivateKey> retiredSigners = new ConcurrentHashMap<>();
    private volatile State state;

    @Activate
    public KeyRing(Config config) throws IOException {
        this(Path.of(required(config.directory())), config.origin(), Clock.systemUTC());
    }

    KeyRing(Path directory, String origin, Clock clock) throws IOException {
        this.files = new KeyDirectory(directory);
        this.clock = clock;
        this.state = files.hasListing() ? load() : create(origin);
    }

    /** Opens (creating if needed) the keys in {@code directory}, for tools and other bundles' tests. */
    public static SigningKeys open(Path directory, String origin) throws IOException {
        return new KeyRing(directory, origin, Clock.systemUTC());
    }

    private static String required(String directory) {
        if (directory == null || directory.isBlank()) {
            throw new IllegalArgumentException("the signing configuration must set 'directory'");
        }
        return directory.trim();
    }

    private State load() throws IOException {
        KeyDirectory.Listing listing = files.readListing();
        List<LogKey> keys = listing.keys();
        LogKey current = keys.get(keys.size() - 1);
        for (LogKey key : keys.subList(0, keys.size() - 1)) {
            if (key.retiredAt() == null) {
                throw new IOException("key " + key.keyId() + " in " + files.path() + " is not the last key but was"
                        + " never retired");
            }
        }
        if (current.retiredAt() != null) {
            throw new IOException("the last key in " + files.path() + " is retired; there is no current key");
        }
        Ed25519.PrivateKey signer = Ed25519.PrivateKey.fromSeed(files.readSeed(current.keyId()));
        if (!java.util.Arrays.equals(signer.publicKey(), current.publicKey())) {
            throw new IOException("the private seed of key " + current.keyId() + " does not match its public key");
        }
        LOG.info("Signing keys of log {} loaded; current key {}", listing.origin(), current.keyId());
        return state(listing.origin(), keys, signer);
    }

    private State create(String configuredOrigin) throws IOException {
        String origin = configuredOrigin == null || configuredOrigin.isBlank()
                ? "countersign.local/" + HexFormat.of().formatHex(Ed25519.newSeed(random), 0, 4)
                : configuredOrigin.trim();
        if (!ORIGIN.matcher(origin).matches()) {
            throw new IllegalArgumentException("origin '" + origin + "' must be 1 to 200 printable ASCII characters"
                    + " without spaces or '+'");
        }
        State created = withNewKey(origin, List.of());
        LOG.info("Created the signing keys of log {} in {}; first key {}", origin, files.path(),
                created.current().keyId());
        return created;
    }

    private State withNewKey(String origin, List<LogKey> previous) throws IOException {
        byte[] seed = Ed25519.newSeed(random);
        Ed25519.PrivateKey signer = Ed25519.PrivateKey.fromSeed(seed);
        Instant now = clock.instant();
        LogKey key = new LogKey(KeyIds.keyId(origin, signer.publicKey()), origin, signer.publicKey(),
                now.truncatedTo(ChronoUnit.SECONDS), null);
        List<LogKey> keys = new ArrayList<>();
        for (LogKey old : previous) {
            keys.add(old.retiredAt() != null ? old : new LogKey(old.keyId(), old.name(), old.publicKey(),
                    old.createdAt(), roundUpToSecond(now)));
        }
        keys.add(key);
        files.writeSeed(key.keyId(), seed);
        files.writeListing(origin, keys);
        return state(origin, keys, signer);
    }

    private static Instant roundUpToSecond(Instant time) {
        Instant down = time.truncatedTo(ChronoUnit.SECONDS);
        return down.equals(time) ? time : down.plusSeconds(1);
    }

    private static State state(String origin, List<LogKey> keys, Ed25519.PrivateKey signer) {
        return new State(origin, List.copyOf(keys),
                keys.stream().collect(Collectors.toUnmodifiableMap(LogKey::keyId, Function.identity())), signer);
    }

    @Override
    public String origin() {
        return state.origin();
    }

    @Override
    public LogKey current() {
        return state.current();
    }

    @Override
    public List<LogKey> keys() {
        return state.keys();
    }

    @Override
    public Signature sign(byte[] message) {
        rotation.readLock().lock();
        try {
            State now = state;
            return new Signature(now.current().keyId(), now.signer().sign(message));
        } finally {
            rotation.readLock().unlock();
        }
    }

    @Override
    public Signature sign(String keyId, byte[] message) {
        State now = state;
        if (now.current().keyId().equals(keyId)) {
            return new Signature(keyId, now.signer().sign(message));
        }
        if (!now.byId().containsKey(keyId)) {
            throw new IllegalArgumentException("log " + now.origin() + " has no key " + keyId);
        }
        return new Signature(keyId, retiredSigners.computeIfAbsent(keyId, this::loadSigner).sign(message));
    }

    private Ed25519.PrivateKey loadSigner(String keyId) {
        try {
            Ed25519.PrivateKey signer = Ed25519.PrivateKey.fromSeed(files.readSeed(keyId));
            if (!java.util.Arrays.equals(signer.publicKey(), state.byId().get(keyId).publicKey())) {
                throw new IllegalStateException("the private seed of key " + keyId + " does not match its public key");
            }
            return signer;
        } catch (IOException e) {
            throw new UncheckedIOException("the private seed of key " + keyId + " cannot be read", e);
        }
    }

    @Override
    public boolean verify(String keyId, byte[] message, byte[] signature) {
        LogKey key = state.byId().get(keyId);
        return key != null && Ed25519.verify(key.publicKey(), message, signature);
    }

    @Override
    public LogKey rotate() throws IOException {
        State rotated;
        rotation.writeLock().lock();
        try {
            rotated = withNewKey(state.origin(), state.keys());
            state = rotated;
        } finally {
            rotation.writeLock().unlock();
        }
        LOG.info("Rotated the signing key of log {}: {} is current, {} retired", rotated.origin(),
                rotated.current().keyId(), rotated.keys().get(rotated.keys().size() - 2).keyId());
        return rotated.current();
    }
}
