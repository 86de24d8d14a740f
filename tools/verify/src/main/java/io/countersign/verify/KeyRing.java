package io.countersign.verify;

import java.util.Arrays;
import java.util.List;

/** The keys the verifier trusts, looked up the two ways the evidence names a key. */
final class KeyRing {
    private final List<LogKey> keys;

    KeyRing(List<LogKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /** Keys matching a signed-note signature line; the key hash is only a hint, so there may be several. */
    List<LogKey> byNameAndHash(String name, byte[] keyHash) {
        return keys.stream().filter(k -> k.name().equals(name) && Arrays.equals(k.keyHash(), keyHash)).toList();
    }
}
