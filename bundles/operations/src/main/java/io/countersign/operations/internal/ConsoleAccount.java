package io.countersign.operations.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The remote console's one account, kept in a directory of the installation's data directory:
 * <ul>
 *   <li>{@code realm.properties}: the user and the SHA-256 of its password, what the server checks;</li>
 *   <li>{@code users.properties} and {@code org.apache.karaf.shell.cfg}: what Karaf's own {@code bin/client} reads
 *       when started with {@code KARAF_ETC} set to this directory (it logs in as the first user of users.properties
 *       and connects to the sshHost and sshPort of the shell configuration).</li>
 * </ul>
 * The password is generated once, 256 random bits; both files holding it are readable by their owner only.
 */
final class ConsoleAccount {

    static final String USER = "countersign";
    static final String REALM_FILE = "realm.properties";
    static final String CLIENT_USERS_FILE = "users.properties";
    static final String CLIENT_SHELL_FILE = "org.apache.karaf.shell.cfg";

    private final Path directory;

    ConsoleAccount(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    Path realmFile() {
        return directory.resolve(REALM_FILE);
    }

    /** Creates the account when the directory has none; a directory that has one keeps its password. */
    void prepare(String host, int port) throws IOException {
        Files.createDirectories(directory);
        restrict(directory, "rwx------");
        if (!Files.exists(realmFile())) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            // the client's copy first: a crash between the two leaves no account whose password nobody has
            write(directory.resolve(CLIENT_USERS_FILE), """
                    # The remote console's account for Karaf's bin/client (KARAF_ETC=<this directory> bin/client).
                    # Generated once; the server checks realm.properties, which holds only the password's SHA-256.
                    %s = %s,_g_:admingroup
                    _g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh
                    """.formatted(USER, password));
            write(realmFile(), """
                    # The remote console's account: user = sha256:<hex of the SHA-256 of the password's UTF-8 bytes>
                    %s = sha256:%s
                    """.formatted(USER, sha256Hex(password)));
        }
        write(directory.resolve(CLIENT_SHELL_FILE), """
                # Where this installation's remote console listens; read by bin/client.
                sshHost = %s
                sshPort = %d
                """.formatted(host, port));
    }

    /** Whether the password is the one recorded for the user in the realm file. */
    static boolean matches(Path realmFile, String user, char[] password) throws IOException {
        Properties accounts = new Properties();
        try (InputStream in = Files.newInputStream(realmFile)) {
            accounts.load(in);
        }
        String recorded = accounts.getProperty(user);
        byte[] expected = recorded != null && recorded.startsWith("sha256:")
                ? recorded.substring("sha256:".length()).trim().getBytes(StandardCharsets.US_ASCII)
                : new byte[64];
        byte[] actual = sha256Hex(new String(password)).getBytes(StandardCharsets.US_ASCII);
        // compared in constant time, and an unknown user costs what a known one does
        return MessageDigest.isEqual(expected, actual) && recorded != null;
    }

    static String sha256Hex(String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, String content) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            restrict(temporary, "rw-------");
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void restrict(Path path, String permissions) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: left to the platform's defaults
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
