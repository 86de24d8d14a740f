package io.countersign.signing.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.LogKey;
import io.countersign.api.json.KeyListing;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The key files: {@code keys.json} lists the public keys in the form of docs/evidence-format.md §3 (the current key
 * is the one not retired), and {@code <keyId>.seed} holds each private seed in base64, readable by the owner only.
 * Every file is written to a temporary name, fsynced and renamed, so a crash leaves either the old or the new set.
 */
final class KeyDirectory {

    static final String LISTING = "keys.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path directory;

    KeyDirectory(Path directory) {
        this.directory = directory;
    }

    Path path() {
        return directory;
    }

    boolean hasListing() {
        return Files.exists(directory.resolve(LISTING));
    }

    record Listing(String origin, List<LogKey> keys) {
    }

    Listing readListing() throws IOException {
        Path file = directory.resolve(LISTING);
        JsonNode root = JSON.readTree(file.toFile());
        String origin = root.path("origin").asText(null);
        if (origin == null || !root.path("keys").isArray() || root.path("keys").isEmpty()) {
            throw new IOException(file + " must hold an origin and at least one key");
        }
        List<LogKey> keys = KeyListing.keys(root);
        for (LogKey parsed : keys) {
            if (!parsed.keyId().equals(KeyIds.keyId(parsed.name(), parsed.publicKey()))) {
                throw new IOException(file + ": key " + parsed.keyId() + " does not match its name and public key");
            }
        }
        return new Listing(origin, List.copyOf(keys));
    }

    void writeListing(String origin, List<LogKey> keys) throws IOException {
        replace(LISTING, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(KeyListing.toJson(origin, keys)), false);
    }

    byte[] readSeed(String keyId) throws IOException {
        String text = Files.readString(directory.resolve(keyId + ".seed"), StandardCharsets.US_ASCII).trim();
        return Base64.getDecoder().decode(text);
    }

    void writeSeed(String keyId, byte[] seed) throws IOException {
        String name = keyId + ".seed";
        if (Files.exists(directory.resolve(name))) {
            throw new FileAlreadyExistsException(directory.resolve(name).toString());
        }
        replace(name, (Base64.getEncoder().encodeToString(seed) + "\n").getBytes(StandardCharsets.US_ASCII), true);
    }

    private void replace(String name, byte[] content, boolean secret) throws IOException {
        Files.createDirectories(directory);
        Path temporary = directory.resolve(name + ".tmp");
        Files.deleteIfExists(temporary);
        if (secret && directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(content));
            channel.force(true);
        }
        Files.move(temporary, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
