package io.countersign.operations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleAccountTest {

    @TempDir
    Path data;

    @Test
    void aNewDirectoryGetsAnAccountThatOnlyItsOwnerCanRead_andTheClientFilesBinClientReads() throws IOException {
        Path directory = data.resolve("console");
        new ConsoleAccount(directory).prepare("127.0.0.1", 8101);

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        for (String file : Set.of("realm.properties", "users.properties", "org.apache.karaf.shell.cfg")) {
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(directory.resolve(file))), file);
        }
        String password = clientPassword(directory);
        assertTrue(password.length() >= 43, "256 random bits");
        assertFalse(Files.readString(directory.resolve("realm.properties")).contains(password),
                "the server's file holds the hash only");
        Properties shell = load(directory.resolve("org.apache.karaf.shell.cfg"));
        assertEquals("127.0.0.1", shell.getProperty("sshHost"));
        assertEquals("8101", shell.getProperty("sshPort"));
        assertTrue(ConsoleAccount.matches(directory.resolve("realm.properties"), "countersign",
                password.toCharArray()));
    }

    @Test
    void aSecondStartKeepsThePassword_butWritesTheCurrentPort() throws IOException {
        Path directory = data.resolve("console");
        new ConsoleAccount(directory).prepare("127.0.0.1", 8101);
        String first = clientPassword(directory);

        new ConsoleAccount(directory).prepare("127.0.0.1", 8102);

        assertEquals(first, clientPassword(directory));
        assertEquals("8102", load(directory.resolve("org.apache.karaf.shell.cfg")).getProperty("sshPort"));
    }

    @Test
    void twoInstallationsHaveTwoPasswords() throws IOException {
        new ConsoleAccount(data.resolve("one")).prepare("127.0.0.1", 8101);
        new ConsoleAccount(data.resolve("two")).prepare("127.0.0.1", 8102);

        assertNotEquals(clientPassword(data.resolve("one")), clientPassword(data.resolve("two")));
        assertFalse(ConsoleAccount.matches(data.resolve("two/realm.properties"), "countersign",
                clientPassword(data.resolve("one")).toCharArray()));
    }

    @Test
    void theLoginModuleGrantsTheRolesToTheRightPassword_only() throws Exception {
        Path directory = data.resolve("console");
        new ConsoleAccount(directory).prepare("127.0.0.1", 8101);
        String password = clientPassword(directory);

        Subject subject = new Subject();
        login(subject, directory, "countersign", password);
        Set<String> roles = subject.getPrincipals(RolePrincipal.class).stream().map(RolePrincipal::getName)
                .collect(Collectors.toSet());
        assertEquals(Set.of("admin", "ssh"), roles);
        assertEquals(1, subject.getPrincipals(UserPrincipal.class).size());

        assertThrows(FailedLoginException.class, () -> login(new Subject(), directory, "countersign", password + "x"));
        assertThrows(FailedLoginException.class, () -> login(new Subject(), directory, "karaf", password));
        assertThrows(FailedLoginException.class, () -> login(new Subject(), directory, "countersign", ""));
    }

    private static void login(Subject subject, Path directory, String user, String password) throws Exception {
        ConsoleLoginModule module = new ConsoleLoginModule();
        Map<String, Object> options = new HashMap<>();
        options.put(ConsoleLoginModule.OPTION_REALM_FILE, directory.resolve("realm.properties").toString());
        options.put(ConsoleLoginModule.OPTION_ROLES, "admin, ssh");
        module.initialize(subject, callbacks -> {
            ((NameCallback) callbacks[0]).setName(user);
            ((PasswordCallback) callbacks[1]).setPassword(password.toCharArray());
        }, new HashMap<>(), options);
        module.login();
        module.commit();
    }

    private static String clientPassword(Path directory) throws IOException {
        return load(directory.resolve("users.properties")).getProperty("countersign").split(",")[0];
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties;
    }
}
