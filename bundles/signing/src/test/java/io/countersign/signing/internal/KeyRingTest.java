package io.countersign.signing.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.LogKey;
import io.countersign.api.Signature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {

    private static final byte[] MESSAGE = "tree head".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    @Test
    void theFirstStartCreatesAnOriginAndAKeyThatLaterStartsReuse() throws IOException {
        KeyRing first = new KeyRing(directory, "", Clock.systemUTC());
        assertTrue(first.origin().matches("countersign\\.local/[0-9a-f]{8}"), first.origin());
        LogKey key = first.current();
        assertEquals(first.origin(), key.name());
        assertNull(key.retiredAt());

        KeyRing again = new KeyRing(directory, "ignored.example/other", Clock.systemUTC());
        assertEquals(first.origin(), again.origin(), "the origin is fixed at creation");
        assertEquals(key.keyId(), again.current().keyId());
        Signature signature = again.sign(MESSAGE);
        assertTrue(first.verify(key.keyId(), MESSAGE, signature.value()));
    }

    @Test
    void theSeedIsReadableByItsOwnerOnly() throws IOException {
        KeyRing ring = new KeyRing(directory, "example.com/log", Clock.systemUTC());
        Path seed = directory.resolve(ring.current().keyId() + ".seed");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(seed)));
    }

    @Test
    void aSignatureFailsForAnotherMessageOrKeyOrAlteredBytes() throws IOException {
        KeyRing ring = new KeyRing(directory, "example.com/log", Clock.systemUTC());
        byte[] signature = ring.sign(MESSAGE).value();
        String keyId = ring.current().keyId();
        assertTrue(ring.verify(keyId, MESSAGE, signature));
        assertFalse(ring.verify(keyId, "tree head!".getBytes(StandardCharsets.UTF_8), signature));
        assertFalse(ring.verify("00000000", MESSAGE, signature));
        byte[] altered = signature.clone();
        altered[10] ^= 1;
        assertFalse(ring.verify(keyId, MESSAGE, altered));
        assertFalse(ring.verify(keyId, MESSAGE, Arrays.copyOf(signature, 63)));
    }

    @Test
    void rotationRetiresTheOldKeyWhoseSignaturesStillVerify() throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00.400Z"));
        KeyRing ring = new KeyRing(directory, "example.com/log", clock);
        LogKey old = ring.current();
        byte[] oldSignature = ring.sign(MESSAGE).value();
        clock.now = Instant.parse("2026-11-22T11:30:00.250Z");

        LogKey fresh = ring.rotate();

        assertNotEquals(old.keyId(), fresh.keyId());
        assertEquals(fresh.keyId(), ring.sign(MESSAGE).keyId());
        assertTrue(ring.verify(old.keyId(), MESSAGE, oldSignature));
        LogKey retired = ring.keys().get(0);
        assertEquals(Instant.parse("2026-11-22T10:00:00Z"), retired.createdAt(), "created is rounded down");
        assertEquals(Instant.parse("2026-11-22T11:30:01Z"), retired.retiredAt(), "retired is rounded up");
        assertEquals(Instant.parse("2026-11-22T11:30:00Z"), fresh.createdAt());
        assertTrue(retired.wasCurrentAt(Instant.parse("2026-11-22T11:30:00.200Z")));
        assertFalse(retired.wasCurrentAt(Instant.parse("2026-11-22T11:30:01.001Z")));
        assertTrue(fresh.wasCurrentAt(Instant.parse("2026-11-22T11:30:00Z")), "a whole-second iat falls inside");

        KeyRing reopened = new KeyRing(directory, "", Clock.systemUTC());
        assertEquals(fresh.keyId(), reopened.current().keyId());
        assertEquals(2, reopened.keys().size());
        assertTrue(reopened.verify(old.keyId(), MESSAGE, oldSignature));
    }

    @Test
    void aRetiredKeyReproducesItsSignaturesAfterRotationAndRestart() throws IOException {
        KeyRing ring = new KeyRing(directory, "example.com/log", Clock.systemUTC());
        Signature original = ring.sign(MESSAGE);
        ring.rotate();
        assertArrayEquals(original.value(), ring.sign(original.keyId(), MESSAGE).value());
        KeyRing reopened = new KeyRing(directory, "", Clock.systemUTC());
        assertArrayEquals(original.value(), reopened.sign(original.keyId(), MESSAGE).value());
        assertThrows(IllegalArgumentException.class, () -> reopened.sign("00000000", MESSAGE));
    }

    @Test
    void aListingWhoseKeyIdDoesNotMatchItsKeyIsRefused() throws IOException {
        KeyRing ring = new KeyRing(directory, "example.com/log", Clock.systemUTC());
        Path listing = directory.resolve(KeyDirectory.LISTING);
        String keyId = ring.current().keyId();
        Files.writeString(listing, Files.readString(listing).replace(keyId, "deadbeef"));
        IOException refused = assertThrows(IOException.class, () -> new KeyRing(directory, "", Clock.systemUTC()));
        assertTrue(refused.getMessage().contains("does not match its name and public key"), refused.getMessage());
    }

    @Test
    void aSeedThatIsNotTheListedKeysIsRefused() throws IOException {
        KeyRing ring = new KeyRing(directory, "example.com/log", Clock.systemUTC());
        Path seed = directory.resolve(ring.current().keyId() + ".seed");
        Files.writeString(seed, Base64.getEncoder().encodeToString(new byte[32]));
        IOException refused = assertThrows(IOException.class, () -> new KeyRing(directory, "", Clock.systemUTC()));
        assertTrue(refused.getMessage().contains("does not match its public key"), refused.getMessage());
    }

    @Test
    void anOriginWithSpacesOrPlusIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KeyRing(directory, "my log", Clock.systemUTC()));
        assertThrows(IllegalArgumentException.class, () -> new KeyRing(directory, "a+b", Clock.systemUTC()));
    }

    /** golang.org/x/mod/sumdb/note's published example key and signature: our key hash and Ed25519 match Go's. */
    @Test
    void theKeyHashAndSignatureMatchTheSignedNoteReferenceExample() {
        byte[] seed = Arrays.copyOfRange(Base64.getDecoder().decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"), 1, 33);
        byte[] publicKey = Arrays.copyOfRange(
                Base64.getDecoder().decode("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"), 1, 33);
        Ed25519.PrivateKey key = Ed25519.PrivateKey.fromSeed(seed);
        assertArrayEquals(publicKey, key.publicKey());
        assertEquals("c74f20a3", KeyIds.keyId("PeterNeumann", publicKey));
        byte[] text = ("If you think cryptography is the answer to your problem,\n"
                + "then you don't know what your problem is.\n").getBytes(StandardCharsets.UTF_8);
        byte[] blob = Base64.getDecoder().decode(
                "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=");
        assertEquals("c74f20a3", HexFormat.of().formatHex(blob, 0, 4));
        assertArrayEquals(Arrays.copyOfRange(blob, 4, 68), key.sign(text));
        assertTrue(Ed25519.verify(publicKey, text, Arrays.copyOfRange(blob, 4, 68)));
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
