package io.countersign.signing.internal;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519.Algorithm;

/**
 * Pure Ed25519 (RFC 8032) through BouncyCastle's low-level API: about 20 times faster than the JDK 17 provider, and
 * its key parameter objects are safe to share between threads.
 */
final class Ed25519 {

    static final int SEED_BYTES = Ed25519PrivateKeyParameters.KEY_SIZE;
    static final int PUBLIC_KEY_BYTES = Ed25519PublicKeyParameters.KEY_SIZE;
    static final int SIGNATURE_BYTES = Ed25519PrivateKeyParameters.SIGNATURE_SIZE;

    private Ed25519() {
    }

    static byte[] newSeed(SecureRandom random) {
        byte[] seed = new byte[SEED_BYTES];
        random.nextBytes(seed);
        return seed;
    }

    /** A private key with its public key computed once. */
    record PrivateKey(Ed25519PrivateKeyParameters key, byte[] publicKey) {

        static PrivateKey fromSeed(byte[] seed) {
            if (seed.length != SEED_BYTES) {
                throw new IllegalArgumentException("an Ed25519 seed has " + SEED_BYTES + " bytes, not " + seed.length);
            }
            Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(seed, 0);
            return new PrivateKey(key, key.generatePublicKey().getEncoded());
        }

        byte[] sign(byte[] message) {
            byte[] signature = new byte[SIGNATURE_BYTES];
            key.sign(Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
            return signature;
        }
    }

    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != PUBLIC_KEY_BYTES || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        return new Ed25519PublicKeyParameters(publicKey, 0)
                .verify(Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    }
}
