package io.countersign.verify;

import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Pure Ed25519 (RFC 8032, no context) signature checks. */
final class Ed25519 {
    static final int SIGNATURE_LENGTH = 64;

    private Ed25519() {
    }

    static boolean verifies(LogKey key, byte[] message, byte[] signature) {
        if (signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(false, key.verifier());
        signer.update(message, 0, message.length);
        return signer.verifySignature(signature);
    }
}
