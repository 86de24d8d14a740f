package io.countersign.identity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Reviewer;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDirectoryTest {

    @TempDir
    Path dir;

    private final ObjectMapper mapper = new ObjectMapper();

    private FileDirectory start(Path file, Path credentials) throws Exception {
        FileDirectory directory = new FileDirectory();
        directory.configure(new FileDirectory.Config() {
            public String file() {
                return file.toString();
            }

            public boolean generateDemo() {
                return true;
            }

            public String demoCredentialsFile() {
                return credentials.toString();
            }

            public Class<? extends Annotation> annotationType() {
                return FileDirectory.Config.class;
            }
        });
        return directory;
    }

    @Test
    void onFirstStart_aDemoDirectoryIsWrittenWithCredentialsReadableOnlyByTheOwner() throws Exception {
        Path file = dir.resolve("etc/countersign-directory.json");
        Path credentials = dir.resolve("data/demo-credentials.json");
        FileDirectory directory = start(file, credentials);

        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(credentials));
        JsonNode plain = mapper.readTree(credentials.toFile());
        String stored = Files.readString(file);
        assertTrue(plain.path("agents").size() >= 2);
        assertTrue(plain.path("reviewers").size() >= 4);
        Set<String> groups = new HashSet<>();
        for (JsonNode agent : plain.path("agents")) {
            String key = agent.path("key").asText();
            assertFalse(stored.contains(key), "the directory file must hold only hashes");
            assertEquals(agent.path("id").asText(), directory.agentByKey(key).orElseThrow().id());
        }
        for (JsonNode reviewer : plain.path("reviewers")) {
            String token = reviewer.path("token").asText();
            assertFalse(stored.contains(token));
            Reviewer found = directory.reviewerByToken(token).orElseThrow();
            assertEquals(reviewer.path("id").asText(), found.id());
            groups.addAll(found.groups());
        }
        assertTrue(groups.containsAll(Set.of("data-owners", "security")));
        assertTrue(directory.agentByKey("csk_wrong").isEmpty());
    }

    @Test
    void anExistingDirectoryIsNeverReplaced() throws Exception {
        Path file = dir.resolve("directory.json");
        Path credentials = dir.resolve("creds.json");
        start(file, credentials);
        byte[] before = Files.readAllBytes(file);
        Files.delete(credentials);
        start(file, credentials);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)));
        assertFalse(Files.exists(credentials), "credentials are written once, with the directory");
    }

    @Test
    void editsToTheFileChangeGroupsAndABrokenFileKeepsThePreviousReading() throws Exception {
        Path file = dir.resolve("directory.json");
        Path credentials = dir.resolve("creds.json");
        FileDirectory directory = start(file, credentials);
        String bobToken = tokenOf(credentials, "bob");

        ObjectNode root = (ObjectNode) mapper.readTree(file.toFile());
        for (JsonNode reviewer : root.path("reviewers")) {
            if (reviewer.path("id").asText().equals("bob")) {
                ((ObjectNode) reviewer).putArray("groups").add("security");
            }
        }
        mapper.writeValue(file.toFile(), root);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Thread.sleep(1_100);
        assertEquals(Set.of("security"), directory.reviewerByToken(bobToken).orElseThrow().groups());

        Files.writeString(file, "{ not json");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        Thread.sleep(1_100);
        assertEquals(Set.of("security"), directory.reviewer("bob").orElseThrow().groups());
    }

    private String tokenOf(Path credentials, String id) throws Exception {
        for (JsonNode reviewer : mapper.readTree(credentials.toFile()).path("reviewers")) {
            if (reviewer.path("id").asText().equals(id)) {
                return reviewer.path("token").asText();
            }
        }
        throw new AssertionError("no " + id);
    }

    @Test
    void reviewersAreFoundByTheirChannelContactsAndByGroup() throws Exception {
        Path file = dir.resolve("directory.json");
        Files.writeString(file, """
                {"agents": [],
                 "reviewers": [
                   {"id": "bob", "tokenHash": "h1", "groups": ["data-owners"],
                    "contacts": {"slack": "U0BOB", "email": "Bob@Example.com"}},
                   {"id": "carol", "tokenHash": "h2", "groups": ["data-owners", "security"],
                    "contacts": {"teams": "5f1e0c8a-aad-object-id"}},
                   {"id": "dave", "tokenHash": "h3", "groups": ["security"]}]}
                """);
        FileDirectory directory = start(file, dir.resolve("unused.json"));
        assertEquals("bob", directory.reviewerByContact("slack", "U0BOB").orElseThrow().id());
        assertEquals("bob", directory.reviewerByContact("email", "bob@example.COM").orElseThrow().id(),
                "email addresses compare without regard to case");
        assertTrue(directory.reviewerByContact("slack", "u0bob").isEmpty(), "Slack ids are exact");
        assertTrue(directory.reviewerByContact("teams", "U0BOB").isEmpty(), "a contact counts on its channel only");
        assertEquals("carol", directory.reviewerByContact("teams", "5f1e0c8a-aad-object-id").orElseThrow().id());
        assertEquals(java.util.List.of("bob", "carol"), directory.reviewersIn(Set.of("data-owners")).stream()
                .map(Reviewer::id).toList());
        assertEquals(java.util.List.of("carol", "dave"), directory.reviewersIn(Set.of("security")).stream()
                .map(Reviewer::id).toList());
    }

    @Test
    void aContactSharedByTwoReviewersIsRefusedAndThePreviousReadingStays() throws Exception {
        Path file = dir.resolve("directory.json");
        Files.writeString(file, """
                {"agents": [], "reviewers": [
                  {"id": "bob", "tokenHash": "h1", "groups": ["g"], "contacts": {"slack": "U1"}}]}
                """);
        FileDirectory directory = start(file, dir.resolve("unused.json"));
        Files.writeString(file, """
                {"agents": [], "reviewers": [
                  {"id": "bob", "tokenHash": "h1", "groups": ["g"], "contacts": {"slack": "U1"}},
                  {"id": "mallory", "tokenHash": "h2", "groups": ["g"], "contacts": {"slack": "U1"}}]}
                """);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Thread.sleep(1_100);
        assertEquals("bob", directory.reviewerByContact("slack", "U1").orElseThrow().id(),
                "a click from U1 must never be attributed to whichever of the two was read last");
        assertTrue(directory.reviewer("mallory").isEmpty());
    }
}
