package io.countersign.core.internal;

import io.countersign.api.Passkey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HashMap;
import java.util.Map;

/**
 * A passkey's COSE_Key (RFC 9052 §7, RFC 9053) as a JCA public key, and the JCA signature algorithm of its COSE
 * algorithm. Only the small CBOR subset a COSE_Key uses is decoded: one map of integer labels to integers or byte
 * strings.
 */
final class CoseKeys {

    private static final int KTY = 1;
    private static final int ALG = 3;
    private static final int CRV = -1;
    private static final int X_OR_N = -2;
    private static final int Y_OR_E = -3;
    private static final long KTY_OKP = 1;
    private static final long KTY_EC2 = 2;
    private static final long KTY_RSA = 3;
    private static final long CRV_P256 = 1;
    private static final long CRV_ED25519 = 6;
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03,
            0x21, 0x00};

    private CoseKeys() {
    }

    /** The JCA signature algorithm for a COSE algorithm Countersign accepts. */
    static String signatureAlgorithm(long coseAlgorithm) {
        if (coseAlgorithm == Passkey.ES256) {
            return "SHA256withECDSA";
        }
        if (coseAlgorithm == Passkey.RS256) {
            return "SHA256withRSA";
        }
        if (coseAlgorithm == Passkey.EDDSA) {
            return "Ed25519";
        }
        throw new IllegalArgumentException("COSE algorithm " + coseAlgorithm + " is not supported");
    }

    /** The public key a COSE_Key holds; {@link IllegalArgumentException} saying what is wrong with it. */
    static PublicKey publicKey(byte[] cose, long expectedAlgorithm) {
        Map<Long, Object> key = decodeMap(cose);
        Object alg = key.get((long) ALG);
        if (alg != null && !alg.equals(expectedAlgorithm)) {
            throw new IllegalArgumentException("the COSE key's algorithm " + alg + " is not the registered "
                    + expectedAlgorithm);
        }
        long kty = number(key, KTY, "kty");
        try {
            if (kty == KTY_EC2 && expectedAlgorithm == Passkey.ES256) {
                if (number(key, CRV, "crv") != CRV_P256) {
                    throw new IllegalArgumentException("an ES256 key must be on P-256");
                }
                AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
                parameters.init(new ECGenParameterSpec("secp256r1"));
                ECParameterSpec curve = parameters.getParameterSpec(ECParameterSpec.class);
                ECPoint point = new ECPoint(new BigInteger(1, bytes(key, X_OR_N, "x", 32)),
                        new BigInteger(1, bytes(key, Y_OR_E, "y", 32)));
                return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, curve));
            }
            if (kty == KTY_RSA && expectedAlgorithm == Passkey.RS256) {
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, bytes(key, X_OR_N, "n", -1)), new BigInteger(1, bytes(key, Y_OR_E, "e", -1))));
            }
            if (kty == KTY_OKP && expectedAlgorithm == Passkey.EDDSA) {
                if (number(key, CRV, "crv") != CRV_ED25519) {
                    throw new IllegalArgumentException("an EdDSA key must be Ed25519");
                }
                byte[] x = bytes(key, X_OR_N, "x", 32);
                byte[] spki = new byte[ED25519_SPKI_PREFIX.length + x.length];
                System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
                System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
                return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the COSE key is not a valid public key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("COSE key type " + kty + " does not go with algorithm " + expectedAlgorithm);
    }

    private static long number(Map<Long, Object> key, long label, String name) {
        if (key.get(label) instanceof Long value) {
            return value;
        }
        throw new IllegalArgumentException("the COSE key has no integer " + name);
    }

    private static byte[] bytes(Map<Long, Object> key, long label, String name, int length) {
        if (key.get(label) instanceof byte[] value && (length < 0 || value.length == length)) {
            return value;
        }
        throw new IllegalArgumentException("the COSE key has no " + (length < 0 ? "" : length + "-byte ") + name);
    }

    /** One CBOR map of integer labels; values are Long, byte[] or String. */
    static Map<Long, Object> decodeMap(byte[] cbor) {
        Reader reader = new Reader(cbor);
        int initial = reader.next();
        if (initial >> 5 != 5) {
            throw new IllegalArgumentException("a COSE key is a CBOR map");
        }
        long entries = reader.argument(initial);
        if (entries > 32) {
            throw new IllegalArgumentException("a COSE key has at most 32 members");
        }
        Map<Long, Object> map = new HashMap<>();
        for (long i = 0; i < entries; i++) {
            Object label = reader.item();
            if (!(label instanceof Long number)) {
                throw new IllegalArgumentException("a COSE key's labels are integers");
            }
            if (map.put(number, reader.item()) != null) {
                throw new IllegalArgumentException("the COSE key has label " + number + " twice");
            }
        }
        if (reader.position != cbor.length) {
            throw new IllegalArgumentException("the COSE key has bytes after its map");
        }
        return map;
    }

    private static final class Reader {
        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int next() {
            if (position >= bytes.length) {
                throw new IllegalArgumentException("the COSE key is truncated");
            }
            return bytes[position++] & 0xff;
        }

        long argument(int initial) {
            int info = initial & 0x1f;
            if (info < 24) {
                return info;
            }
            int length = switch (info) {
                case 24 -> 1;
                case 25 -> 2;
                case 26 -> 4;
                case 27 -> 8;
                default -> throw new IllegalArgumentException("the COSE key uses CBOR a COSE key never needs");
            };
            long value = 0;
            for (int i = 0; i < length; i++) {
                value = (value << 8) | next();
            }
            if (value < 0) {
                throw new IllegalArgumentException("the COSE key has a number too large");
            }
            return value;
        }

        Object item() {
            int initial = next();
            long argument = argument(initial);
            return switch (initial >> 5) {
                case 0 -> argument;
                case 1 -> -1 - argument;
                case 2 -> take(argument);
                case 3 -> new String(take(argument), StandardCharsets.UTF_8);
                default -> throw new IllegalArgumentException("the COSE key holds a CBOR item a COSE key never"
                        + " needs (major type " + (initial >> 5) + ")");
            };
        }

        private byte[] take(long length) {
            if (length > bytes.length - position) {
                throw new IllegalArgumentException("the COSE key is truncated");
            }
            byte[] value = java.util.Arrays.copyOfRange(bytes, position, position + (int) length);
            position += (int) length;
            return value;
        }
    }
}
