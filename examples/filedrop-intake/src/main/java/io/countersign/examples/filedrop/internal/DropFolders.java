package io.countersign.examples.filedrop.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder layout: {@code inbox/requests} and {@code inbox/reviews} for what is dropped, {@code outbox/requests}
 * and {@code outbox/reviews} for the answers, each named as the file it answers. Writers drop a file atomically
 * (write {@code .name.tmp}, then rename it to {@code name.json}); names starting with a dot are never read.
 */
record DropFolders(Path requests, Path reviews, Path requestAnswers, Path reviewAnswers) {

    /** A drop's name is its idempotency key: letters, digits, dot, dash, underscore, at most 128. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\\.json");

    static DropFolders create(Path root) throws IOException {
        DropFolders folders = new DropFolders(root.resolve("inbox/requests"), root.resolve("inbox/reviews"),
                root.resolve("outbox/requests"), root.resolve("outbox/reviews"));
        for (Path folder : List.of(root, root.resolve("inbox"), root.resolve("outbox"), folders.requests,
                folders.reviews, folders.requestAnswers, folders.reviewAnswers)) {
            Files.createDirectories(folder);
            // drops carry credentials and answers carry grants: the folder is as private as an agent's key
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
            }
        }
        return folders;
    }

    /** The complete drops in {@code inbox}, oldest first; anything else there is left alone. */
    static List<Path> drops(Path inbox) throws IOException {
        try (Stream<Path> listing = Files.list(inbox)) {
            return listing.filter(file -> NAME.matcher(file.getFileName().toString()).matches())
                    .filter(Files::isRegularFile)
                    .sorted((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()))
                    .toList();
        }
    }

    /** The drop's name without {@code .json}: the idempotency key of a request. */
    static String key(Path drop) {
        String name = drop.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }

    /** Replaces {@code target} whole: a reader sees the old answer or the new one, never half of one. */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(temporary, content);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
