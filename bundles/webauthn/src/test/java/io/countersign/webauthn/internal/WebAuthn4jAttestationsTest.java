package io.countersign.webauthn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Passkey;
import io.countersign.api.testing.SoftwareAuthenticator;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Registrations made by a software authenticator as WebAuthn says, checked by webauthn4j. */
class WebAuthn4jAttestationsTest {

    private static final String RP_ID = "localhost";
    private static final String ORIGIN = "http://localhost:8181";
    private static final Instant AT = Instant.parse("2026-12-07T12:00:00Z");

    private final WebAuthn4jAttestations attestations = new WebAuthn4jAttestations();
    private final SoftwareAuthenticator authenticator = new SoftwareAuthenticator(RP_ID, ORIGIN);
    private final byte[] challenge = "a server challenge of 32 bytes!!".getBytes();

    private Passkey verify(SoftwareAuthenticator.Registration registration, byte[] expected, String origin) {
        return attestations.verify("bob", "laptop", expected, RP_ID, origin, registration.clientDataJson(),
                registration.attestationObject(), AT);
    }

    @Test
    void aNoneAttestationRegistersTheKeyTheAuthenticatorWrote() {
        Passkey passkey = verify(authenticator.registration(challenge), challenge, ORIGIN);

        assertEquals(authenticator.passkey("bob", "laptop", AT), passkey);
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(authenticator.coseKey()),
                passkey.publicKey(), "the COSE key exactly as signed, for the journal");
        assertEquals(Passkey.ES256, passkey.algorithm());
    }

    @Test
    void anotherChallengeOriginOrNoUserVerificationIsRefused() {
        IllegalArgumentException challengeWrong = assertThrows(IllegalArgumentException.class,
                () -> verify(authenticator.registration(challenge), "another challenge".getBytes(), ORIGIN));
        assertTrue(challengeWrong.getMessage().contains("does not verify"), challengeWrong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> verify(authenticator.registration(challenge,
                SoftwareAuthenticator.USER_PRESENT | SoftwareAuthenticator.USER_VERIFIED, "http://localhost:9999"),
                challenge, ORIGIN));
        assertThrows(IllegalArgumentException.class, () -> verify(authenticator.registration(challenge,
                SoftwareAuthenticator.USER_PRESENT, ORIGIN), challenge, ORIGIN));
    }

    @Test
    void garbageIsRefusedWithAReason() {
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class, () -> attestations.verify(
                "bob", "laptop", challenge, RP_ID, ORIGIN, "e30", "AAAA", AT));
        assertTrue(garbage.getMessage().startsWith("the passkey registration"), garbage.getMessage());
        assertThrows(IllegalArgumentException.class, () -> attestations.verify("bob", "laptop", challenge, RP_ID,
                ORIGIN, "not base64!", "AAAA", AT));
    }
}
