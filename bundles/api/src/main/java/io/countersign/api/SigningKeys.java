package io.countersign.api;

import java.io.IOException;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's Ed25519 keys: one current key signs checkpoints and grants; retired keys are kept so that what they
 * signed still verifies (docs/evidence-format.md §3).
 */
@ProviderType
public interface SigningKeys {

    /** The name of this log, fixed when the node was first started. */
    String origin();

    /** The key that signs now. */
    LogKey current();

    /** Every key this node has had, oldest first; the current key is last. */
    List<LogKey> keys();

    /** Signs {@code message} (pure Ed25519) with the current key. A rotation waits for signatures in progress. */
    Signature sign(byte[] message);

    /**
     * Signs {@code message} with the key {@code keyId}, current or retired: Ed25519 is deterministic, so this
     * reproduces a signature that key made before (a grant token reissued from its journaled claims).
     *
     * @throws IllegalArgumentException if this log has no such key
     */
    Signature sign(String keyId, byte[] message);

    /**
     * Whether {@code signature} over {@code message} verifies under the key {@code keyId}. A retired key still
     * verifies; whether it was still current at signing time is the caller's question (see {@link LogKey}).
     */
    boolean verify(String keyId, byte[] message, byte[] signature);

    /** Makes a new current key and retires the old one; returns the new key. */
    LogKey rotate() throws IOException;
}
