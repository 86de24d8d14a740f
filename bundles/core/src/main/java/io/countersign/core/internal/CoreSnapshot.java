package io.countersign.core.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * {@code snapshot-<20-digit S>.bin}: the core's projection of the journal's first S entries (docs/restart-design.md
 * §5.3, except that an open request's mentions are not stored: the request index holds every request's, open or
 * closed). Open requests are stored as the seqs of their entries, which are read back and applied on restore; only
 * the small aggregates (activity counts, standing approvals, registered passkeys) are stored as values. Version 2
 * added the passkeys; a version 1 snapshot is unusable, and the start replays the journal once.
 */
record CoreSnapshot(long size, byte[] root, List<Run> runs, List<OpenRequest> open, List<String> awaitingGrant,
                    ActivityCounts activity, StandingApprovals standing, PasskeyRegistry passkeys) {

    /** An index run the snapshot's index state consists of. */
    record Run(String name, long coveredFrom, long coveredTo) {
        private static final Pattern NAME = Pattern.compile("run-(\\d+)-(\\d+)\\.bin");

        /** The range a run covers, as its name gives it (the index checks the run's own footer). */
        static Run named(String name) {
            Matcher matcher = NAME.matcher(name);
            return matcher.matches() ? new Run(name, Long.parseLong(matcher.group(1)),
                    Long.parseLong(matcher.group(2))) : new Run(name, -1, -1);
        }
    }

    /** An open request, by its entries. */
    record OpenRequest(String id, long[] seqs) {
    }

    /** A snapshot that fails its own checks. */
    static final class UnusableException extends IOException {
        UnusableException(String why) {
            super(why);
        }
    }

    private static final byte[] MAGIC = "CSCSNAP1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int VERSION = 2;
    private static final Pattern FILE = Pattern.compile("snapshot-(\\d{20})\\.bin");
    private static final String TEMPORARY = ".tmp";
    private static final int MAX_SEQS = 1 << 24;

    static Path fileFor(Path directory, long size) {
        return directory.resolve(nameFor(size));
    }

    private static String nameFor(long size) {
        return String.format("snapshot-%020d.bin", size);
    }

    /** The snapshot files in this directory, newest (largest S) first. */
    static List<Path> newestFirst(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> FILE.matcher(file.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path file) -> file.getFileName().toString()).reversed())
                    .toList();
        }
    }

    /** Deletes what a crash left half written: never renamed, so never used. */
    static void deleteTemporary(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(TEMPORARY)).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Deletes all but the {@code keep} newest snapshots. */
    static void keepNewest(Path directory, int keep) throws IOException {
        List<Path> files = newestFirst(directory);
        for (Path old : files.subList(Math.min(keep, files.size()), files.size())) {
            Files.deleteIfExists(old);
        }
    }

    /** Writes this snapshot so that it is either complete or absent, whatever happens meanwhile. */
    Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        byte[] bytes = encode();
        Path target = fileFor(directory, size);
        Path temporary = target.resolveSibling(target.getFileName() + TEMPORARY);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // the rename itself must survive a crash, or the next start uses the older snapshot (correct, but slower)
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
        return target;
    }

    byte[] encode() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(size);
        out.write(root);
        out.writeInt(runs.size());
        for (Run run : runs) {
            BinaryFields.writeShortString(out, run.name());
            out.writeLong(run.coveredFrom());
            out.writeLong(run.coveredTo());
        }
        out.writeInt(open.size());
        for (OpenRequest request : open) {
            BinaryFields.writeShortString(out, request.id());
            BinaryFields.writeLongs(out, request.seqs());
        }
        out.writeInt(awaitingGrant.size());
        for (String id : awaitingGrant) {
            BinaryFields.writeShortString(out, id);
        }
        activity.write(out);
        standing.write(out);
        passkeys.write(out);
        out.flush();
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    /** Reads a snapshot file; {@link UnusableException} saying why if its own checks fail. */
    static CoreSnapshot read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < MAGIC.length + 4 + 8 + 32 + 4) {
            throw new UnusableException("it is truncated (" + bytes.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
            throw new UnusableException("its CRC-32C does not match (truncated or damaged)");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4));
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new UnusableException("it is not a core snapshot (magic)");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new UnusableException("its format version " + version + " is unknown");
        }
        long size = in.readLong();
        byte[] root = in.readNBytes(32);
        List<Run> runs = new ArrayList<>();
        for (int i = BinaryFields.readCount(in, MAX_SEQS); i > 0; i--) {
            runs.add(new Run(BinaryFields.readShortString(in), in.readLong(), in.readLong()));
        }
        List<OpenRequest> open = new ArrayList<>();
        for (int i = BinaryFields.readCount(in, MAX_SEQS); i > 0; i--) {
            open.add(new OpenRequest(BinaryFields.readShortString(in), BinaryFields.readLongs(in, MAX_SEQS)));
        }
        List<String> awaitingGrant = new ArrayList<>();
        for (int i = BinaryFields.readCount(in, MAX_SEQS); i > 0; i--) {
            awaitingGrant.add(BinaryFields.readShortString(in));
        }
        ActivityCounts activity = ActivityCounts.read(in);
        StandingApprovals standing = StandingApprovals.read(in);
        PasskeyRegistry passkeys = PasskeyRegistry.read(in);
        if (in.available() != 0) {
            throw new UnusableException("it has " + in.available() + " bytes after its last field");
        }
        String name = file.getFileName().toString();
        if (!name.equals(nameFor(size))) {
            throw new UnusableException("it holds the projection at " + size + " but is named " + name);
        }
        return new CoreSnapshot(size, root, runs, open, awaitingGrant, activity, standing, passkeys);
    }
}
