package io.countersign.policy.drools.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code state.bin} in the policy's state directory: the newest {@link PolicyState}, replaced atomically (written to
 * {@code state.tmp}, forced, renamed over it, the directory forced), so a crash leaves the old file or the new one.
 */
final class PolicyStateFile {

    static final String NAME = "state.bin";
    private static final String TEMPORARY = "state.tmp";

    private final Path directory;

    PolicyStateFile(Path directory) {
        this.directory = directory;
    }

    Path path() {
        return directory.resolve(NAME);
    }

    /** The state on disk, as it was written; whether it fits the journal is {@link PolicyState#checkAgainst}'s. */
    PolicyState read() throws PolicyState.Unusable {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path());
        } catch (NoSuchFileException e) {
            throw new PolicyState.Unusable("it does not exist");
        } catch (IOException e) {
            throw new PolicyState.Unusable("it cannot be read: " + e);
        }
        return PolicyState.decode(bytes);
    }

    void write(PolicyState state) throws IOException {
        Files.createDirectories(directory);
        Path temporary = directory.resolve(TEMPORARY);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(state.encode());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, path(), StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory();
    }

    /** A {@code state.tmp} is what a crash during {@link #write} left: never read, only removed. */
    void deleteLeftovers() {
        try {
            Files.deleteIfExists(directory.resolve(TEMPORARY));
        } catch (IOException e) {
            // harmless: the next write truncates it
        }
    }

    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; the rename is then as durable as they make it
        }
    }
}
