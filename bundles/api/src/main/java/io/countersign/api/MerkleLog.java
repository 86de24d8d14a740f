package io.countersign.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The journal seen as an RFC 9162 Merkle tree: leaf {@code i} is the 32-byte entry hash of seq {@code i}, its leaf
 * hash is {@code SHA-256(0x00 || entryHash)} and interior nodes are {@code SHA-256(0x01 || left || right)}
 * (docs/evidence-format.md §1). Every size up to {@link #size()} can be asked for; nothing beyond it exists yet.
 * All hashes are 32 raw bytes.
 */
@ProviderType
public interface MerkleLog {

    /** How many leaves the tree has: the number of durable journal entries. */
    long size();

    /** {@code MTH(D[0:size])}; {@code SHA-256("")} for size 0. */
    byte[] root(long size);

    /** The leaf hash of entry {@code index}. */
    byte[] leafHash(long index);

    /** The RFC 9162 §2.1.3.1 inclusion proof of leaf {@code index} in the tree of {@code size} leaves. */
    List<byte[]> inclusionProof(long index, long size);

    /** The RFC 9162 §2.1.4.1 consistency proof between the trees of {@code fromSize} and {@code toSize} leaves. */
    List<byte[]> consistencyProof(long fromSize, long toSize);
}
