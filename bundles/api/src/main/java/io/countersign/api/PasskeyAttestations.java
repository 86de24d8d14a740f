package io.countersign.api;

import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/** Checks a browser's WebAuthn registration response (a new passkey) before it may be registered. */
@ProviderType
public interface PasskeyAttestations {

    /**
     * Verifies the registration: client data type {@code webauthn.create}, {@code challenge} and {@code origin}
     * exactly; the RP ID hash; user present and verified; the attestation statement ({@code none} accepted); a key
     * of an algorithm Countersign can check (ES256, RS256, EdDSA).
     *
     * @param reviewer          who registers it (the signed-in reviewer)
     * @param name              what they call it
     * @param challenge         the challenge the server issued for this registration
     * @param rpId              the relying party id (the console's host)
     * @param origin            the console's exact origin
     * @param clientDataJson    the client data JSON bytes, base64url
     * @param attestationObject the attestation object (CBOR), base64url
     * @param at                when it is registered
     * @return the passkey to register
     * @throws IllegalArgumentException saying why the registration does not verify
     */
    Passkey verify(String reviewer, String name, byte[] challenge, String rpId, String origin, String clientDataJson,
                   String attestationObject, Instant at);
}
