package io.countersign.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.Passkey;
import io.countersign.api.StepUp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;

/**
 * Checks a step-up assertion (WebAuthn §7.2, the steps that do not need the browser) against a registered passkey:
 * client data type, challenge and origin; RP ID hash, user present and user verified in the authenticator data; the
 * signature over {@code authenticatorData || SHA-256(clientDataJSON)}; and that the signature counter moved on.
 * Plain JCA, so the core and the offline verifier need no WebAuthn library to agree on what counts.
 */
final class StepUpCheck {

    /** Its outcome: the authenticator's new signature counter, or why it does not count. */
    record Result(boolean verified, long signCount, String failure) {
        static Result failed(String why) {
            return new Result(false, -1, why);
        }
    }

    static final int FLAG_USER_PRESENT = 0x01;
    static final int FLAG_USER_VERIFIED = 0x04;
    private static final ObjectMapper JSON = new ObjectMapper();

    private StepUpCheck() {
    }

    /**
     * @param storedSignCount the counter last seen for this passkey
     */
    static Result check(Passkey passkey, long storedSignCount, StepUp.Assertion assertion, String requestId,
                        String digest) {
        if (!passkey.credentialId().equals(assertion.credentialId())) {
            return Result.failed("the assertion is by credential " + assertion.credentialId() + ", not "
                    + passkey.credentialId());
        }
        byte[] authenticatorData = StepUp.Assertion.bytes(assertion.authenticatorData());
        byte[] clientData = StepUp.Assertion.bytes(assertion.clientDataJson());
        byte[] signature = StepUp.Assertion.bytes(assertion.signature());
        JsonNode client;
        try {
            client = JSON.readTree(new String(clientData, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Result.failed("the client data is not JSON");
        }
        if (client == null || !client.isObject()) {
            return Result.failed("the client data is not a JSON object");
        }
        if (!"webauthn.get".equals(client.path("type").asText())) {
            return Result.failed("the client data's type is '" + client.path("type").asText()
                    + "', not 'webauthn.get'");
        }
        String challenge = StepUp.challengeText(requestId, digest);
        if (!challenge.equals(client.path("challenge").asText())) {
            return Result.failed("the assertion's challenge is not this request's (request id and action digest "
                    + digest + ")");
        }
        if (!passkey.origin().equals(client.path("origin").asText())) {
            return Result.failed("the assertion comes from origin '" + client.path("origin").asText() + "', not "
                    + passkey.origin());
        }
        if (client.path("crossOrigin").asBoolean(false)) {
            return Result.failed("the assertion was made in a cross-origin frame");
        }
        if (authenticatorData.length < 37) {
            return Result.failed("the authenticator data is " + authenticatorData.length + " bytes, fewer than 37");
        }
        byte[] rpIdHash = sha256(passkey.rpId().getBytes(StandardCharsets.UTF_8));
        if (!MessageDigest.isEqual(rpIdHash, java.util.Arrays.copyOfRange(authenticatorData, 0, 32))) {
            return Result.failed("the authenticator data is for another relying party than " + passkey.rpId());
        }
        int flags = authenticatorData[32] & 0xff;
        if ((flags & FLAG_USER_PRESENT) == 0) {
            return Result.failed("the authenticator did not see the user present");
        }
        if ((flags & FLAG_USER_VERIFIED) == 0) {
            return Result.failed("the authenticator did not verify the user (PIN or biometric)");
        }
        long signCount = ((authenticatorData[33] & 0xffL) << 24) | ((authenticatorData[34] & 0xffL) << 16)
                | ((authenticatorData[35] & 0xffL) << 8) | (authenticatorData[36] & 0xffL);
        try {
            Signature verifier = Signature.getInstance(CoseKeys.signatureAlgorithm(passkey.algorithm()));
            verifier.initVerify(CoseKeys.publicKey(StepUp.Assertion.bytes(passkey.publicKey()), passkey.algorithm()));
            verifier.update(authenticatorData);
            verifier.update(sha256(clientData));
            if (!verifier.verify(signature)) {
                return Result.failed("the assertion's signature does not verify with passkey "
                        + passkey.credentialId());
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Result.failed("the assertion's signature does not verify with passkey " + passkey.credentialId()
                    + ": " + e.getMessage());
        }
        if ((signCount != 0 || storedSignCount != 0) && signCount <= storedSignCount) {
            return Result.failed("the passkey's signature counter " + signCount + " did not move on from "
                    + storedSignCount + ": the authenticator may have been cloned");
        }
        return new Result(true, signCount, null);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
