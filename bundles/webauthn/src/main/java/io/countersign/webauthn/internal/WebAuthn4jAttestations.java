package io.countersign.webauthn.internal;

import com.webauthn4j.WebAuthnRegistrationManager;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.VerificationException;
import io.countersign.api.Passkey;
import io.countersign.api.PasskeyAttestations;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Verifies passkey registrations with webauthn4j: client data ({@code webauthn.create}, the challenge, the exact
 * origin), the RP ID hash, user presence and verification, and the attestation statement. Attestation is not
 * required to chain to a trusted root (format {@code none} is what browsers send by default): a passkey proves the
 * reviewer's presence at the step-up, not which authenticator model they own.
 */
@Component(service = PasskeyAttestations.class)
public final class WebAuthn4jAttestations implements PasskeyAttestations {

    /** The algorithms Countersign and its offline verifier check; the console offers exactly these. */
    private static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));
    private static final int FIXED_AUTHENTICATOR_DATA = 37;
    private static final int AAGUID_AND_LENGTH = 18;

    private final ObjectConverter converter = new ObjectConverter();
    private final WebAuthnRegistrationManager manager =
            WebAuthnRegistrationManager.createNonStrictWebAuthnRegistrationManager(converter);

    @Override
    public Passkey verify(String reviewer, String name, byte[] challenge, String rpId, String origin,
                          String clientDataJson, String attestationObject, Instant at) {
        byte[] clientData = decode("clientDataJSON", clientDataJson);
        byte[] attestation = decode("attestationObject", attestationObject);
        ServerProperty server = ServerProperty.builder().origin(new Origin(origin)).rpId(rpId)
                .challenge(new DefaultChallenge(challenge)).build();
        RegistrationData data;
        try {
            data = manager.verify(new RegistrationRequest(attestation, clientData),
                    new RegistrationParameters(server, ALGORITHMS, true, true));
        } catch (VerificationException | DataConversionException e) {
            throw new IllegalArgumentException("the passkey registration does not verify: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the passkey registration is malformed: " + e, e);
        }
        AuthenticatorData<?> authenticatorData = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData credential = authenticatorData.getAttestedCredentialData();
        if (credential == null) {
            throw new IllegalArgumentException("the registration carries no credential");
        }
        long algorithm = credential.getCOSEKey().getAlgorithm() == null ? 0
                : credential.getCOSEKey().getAlgorithm().getValue();
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        return new Passkey(reviewer, name, base64url.encodeToString(credential.getCredentialId()),
                base64url.encodeToString(coseKey(data, credential)), algorithm,
                credential.getAaguid().getValue() == null ? "00000000-0000-0000-0000-000000000000"
                        : credential.getAaguid().getValue().toString(),
                rpId, origin, authenticatorData.getSignCount(), at);
    }

    /**
     * The credential's COSE_Key exactly as the authenticator wrote it, so the journal holds the signed bytes; only
     * when extensions follow it (their start is not marked) is it the key as webauthn4j encodes it.
     */
    private byte[] coseKey(RegistrationData data, AttestedCredentialData credential) {
        byte[] authData = converter.getCborConverter().readTree(data.getAttestationObjectBytes()).get("authData")
                .binaryValue();
        int start = FIXED_AUTHENTICATOR_DATA + AAGUID_AND_LENGTH + credential.getCredentialId().length;
        if (!AuthenticatorData.checkFlagED(authData[32]) && start < authData.length) {
            return Arrays.copyOfRange(authData, start, authData.length);
        }
        return converter.getCborConverter().writeValueAsBytes(credential.getCOSEKey());
    }

    private static byte[] decode(String name, String base64url) {
        if (base64url == null || base64url.isEmpty()) {
            throw new IllegalArgumentException("the registration has no " + name);
        }
        try {
            return Base64.getUrlDecoder().decode(base64url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the registration's " + name + " is not base64url");
        }
    }
}
