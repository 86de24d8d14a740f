package io.countersign.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A passkey a reviewer registered, as journaled ({@code passkey.registered}): everything a verifier needs to re-check
 * a step-up assertion from the journal alone.
 *
 * @param reviewer     the reviewer it belongs to
 * @param name         what the reviewer called it, for their list
 * @param credentialId the WebAuthn credential id, base64url without padding
 * @param publicKey    the credential's public key as a COSE_Key (RFC 9052), base64url without padding
 * @param algorithm    the COSE algorithm of the key: -7 ES256, -257 RS256, -8 EdDSA
 * @param aaguid       the authenticator model's AAGUID (all zeros when attestation is {@code none} hides it)
 * @param rpId         the WebAuthn relying party id the credential is scoped to (the console's host)
 * @param origin       the exact origin assertions must come from (the console's public origin)
 * @param signCount    the authenticator's signature counter at registration
 * @param at           when it was registered
 */
public record Passkey(String reviewer, String name, String credentialId, String publicKey, long algorithm,
                      String aaguid, String rpId, String origin, long signCount, Instant at) {

    /** The COSE algorithms a passkey may use: those Countersign and its offline verifier can check. */
    public static final long ES256 = -7;
    public static final long RS256 = -257;
    public static final long EDDSA = -8;

    public Passkey {
        Objects.requireNonNull(reviewer, "reviewer");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(aaguid, "aaguid");
        Objects.requireNonNull(rpId, "rpId");
        Objects.requireNonNull(origin, "origin");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a passkey needs a name");
        }
        if (name.length() > 100) {
            throw new IllegalArgumentException("a passkey's name is at most 100 characters");
        }
        credentialId = StepUp.base64url("credentialId", credentialId);
        publicKey = StepUp.base64url("publicKey", publicKey);
        if (algorithm != ES256 && algorithm != RS256 && algorithm != EDDSA) {
            throw new IllegalArgumentException("COSE algorithm " + algorithm + " is not supported (ES256, RS256, EdDSA)");
        }
        if (signCount < 0 || signCount > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("a signature counter is an unsigned 32-bit number");
        }
    }
}
