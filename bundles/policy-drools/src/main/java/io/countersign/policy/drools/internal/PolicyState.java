package io.countersign.policy.drools.internal;

import io.countersign.api.MerkleLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * Where the policy's history is in the journal, as of its first {@code size} entries: the seqs of every policy-change
 * entry before {@code size} and the last {@code policy.activated} among them. Derived data: it names entries, it does
 * not copy them, and it is used only while the journal's Merkle root over those entries is still {@code root}.
 * <p>
 * Big-endian: magic {@code CSPOLST1} | version u32 | size u64 | root 32 bytes | lastActivated i64 (−1: none) |
 * count u32 | seqs u64 × count | CRC-32C u32 of everything before it.
 */
record PolicyState(long size, byte[] root, long lastActivated, long[] seqs) {

    static final int VERSION = 1;
    private static final byte[] MAGIC = "CSPOLST1".getBytes(StandardCharsets.US_ASCII);
    private static final int ROOT_BYTES = 32;
    private static final int FIXED_BYTES = MAGIC.length + 4 + 8 + ROOT_BYTES + 8 + 4 + 4;

    /** Why a state cannot be used; the journal is then replayed from the start instead. */
    static final class Unusable extends Exception {
        Unusable(String why) {
            super(why, null, false, false);
        }
    }

    PolicyState {
        root = root.clone();
        seqs = seqs.clone();
    }

    /** The state after the entries {@code [0, size)} of a journal whose Merkle tree is {@code merkle}. */
    static PolicyState of(long size, MerkleLog merkle, long lastActivated, long[] seqs) {
        return new PolicyState(size, merkle.root(size), lastActivated, seqs);
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    @Override
    public long[] seqs() {
        return seqs.clone();
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(FIXED_BYTES + 8 * seqs.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(size);
            out.write(root);
            out.writeLong(lastActivated);
            out.writeInt(seqs.length);
            for (long seq : seqs) {
                out.writeLong(seq);
            }
            out.writeInt(crc(bytes.toByteArray(), bytes.size()));
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array does not fail", e);
        }
        return bytes.toByteArray();
    }

    static PolicyState decode(byte[] bytes) throws Unusable {
        if (bytes.length < FIXED_BYTES) {
            throw new Unusable("it is " + bytes.length + " bytes long, shorter than any state");
        }
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if (stored != crc(bytes, bytes.length - 4)) {
            throw new Unusable("its CRC-32C does not match its content");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new Unusable("it does not start with " + new String(MAGIC, StandardCharsets.US_ASCII));
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new Unusable("its format version " + version + " is not " + VERSION);
            }
            long size = in.readLong();
            byte[] root = in.readNBytes(ROOT_BYTES);
            long lastActivated = in.readLong();
            int count = in.readInt();
            if (count < 0 || (long) count * 8 != bytes.length - FIXED_BYTES) {
                throw new Unusable("it names " + count + " seqs but holds " + (bytes.length - FIXED_BYTES) + " bytes"
                        + " of them");
            }
            long[] seqs = new long[count];
            for (int i = 0; i < count; i++) {
                seqs[i] = in.readLong();
            }
            PolicyState state = new PolicyState(size, root, lastActivated, seqs);
            state.checkConsistent();
            return state;
        } catch (IOException e) {
            throw new Unusable("it cannot be decoded: " + e);
        }
    }

    /** Usable for {@code merkle} only if it describes a prefix of that journal. */
    void checkAgainst(MerkleLog merkle) throws Unusable {
        long journalSize = merkle.size();
        if (size > journalSize) {
            throw new Unusable("it describes " + size + " entries and the journal has " + journalSize);
        }
        if (!Arrays.equals(root, merkle.root(size))) {
            throw new Unusable("the journal's Merkle root over its first " + size + " entries is not the recorded "
                    + HexFormat.of().formatHex(root) + ": it was made from another journal");
        }
    }

    private void checkConsistent() throws Unusable {
        if (size < 0) {
            throw new Unusable("its size " + size + " is negative");
        }
        long previous = -1;
        for (long seq : seqs) {
            if (seq <= previous || seq >= size) {
                throw new Unusable("its seqs are not ascending below its size " + size);
            }
            previous = seq;
        }
        if (lastActivated != -1 && Arrays.binarySearch(seqs, lastActivated) < 0) {
            throw new Unusable("its last activation " + lastActivated + " is not among its seqs");
        }
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PolicyState that && size == that.size && lastActivated == that.lastActivated
                && Arrays.equals(root, that.root) && Arrays.equals(seqs, that.seqs);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size) * 31 + Arrays.hashCode(seqs);
    }

    @Override
    public String toString() {
        return "PolicyState[size=" + size + ", lastActivated=" + lastActivated + ", seqs=" + seqs.length + "]";
    }
}
