package io.countersign.identity.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * The directory Countersign writes on first start when none exists: two agents, reviewers in the groups the default
 * policy routes to (and the policy admins and auditors), and two of those reviewers are humans an agent acts for, so
 * self-approval can be tried. Every group keeps two reviewers who are nobody's principal, enough for any quorum of the
 * default policy.
 */
final class DemoDirectory {

    record Person(String id, List<String> groups) {
    }

    record AgentSpec(String id, List<String> actsFor) {
    }

    static final List<AgentSpec> AGENTS = List.of(
            new AgentSpec("analytics-agent", List.of("alice")),
            new AgentSpec("ops-agent", List.of("dave")));

    static final List<Person> REVIEWERS = List.of(
            new Person("alice", List.of("data-owners")),
            new Person("bob", List.of("data-owners")),
            new Person("carol", List.of("data-owners")),
            new Person("dave", List.of("security")),
            new Person("erin", List.of("security")),
            new Person("frank", List.of("security")),
            // policy admins propose and review rule sets; four eyes: two of the other two approve a change
            new Person("grace", List.of("policy-admins")),
            new Person("heidi", List.of("policy-admins")),
            new Person("ivan", List.of("policy-admins")),
            // an auditor searches requests and exports evidence in the console; she decides nothing
            new Person("judy", List.of("auditors")));

    private DemoDirectory() {
    }

    /** Writes a new directory (hashes only) and the plain credentials, readable by the owner alone. */
    static void generate(Path directoryFile, Path credentialsFile, ObjectMapper mapper) throws IOException {
        ObjectNode hashed = JsonNodeFactory.instance.objectNode();
        ObjectNode plain = JsonNodeFactory.instance.objectNode();
        ArrayNode hashedAgents = hashed.putArray("agents");
        ArrayNode plainAgents = plain.putArray("agents");
        for (AgentSpec agent : AGENTS) {
            String key = Credentials.newSecret(Credentials.AGENT_KEY_PREFIX);
            hashedAgents.add(DirectoryData.agentJson(agent.id(), Credentials.hash(key), "keyHash", agent.actsFor()));
            plainAgents.add(DirectoryData.agentJson(agent.id(), key, "key", agent.actsFor()));
        }
        ArrayNode hashedReviewers = hashed.putArray("reviewers");
        ArrayNode plainReviewers = plain.putArray("reviewers");
        for (Person person : REVIEWERS) {
            String token = Credentials.newSecret(Credentials.REVIEWER_TOKEN_PREFIX);
            Map<String, String> contacts = Map.of("email", person.id() + "@example.com");
            hashedReviewers.add(DirectoryData.reviewerJson(person.id(), Credentials.hash(token), "tokenHash",
                    person.groups(), contacts));
            plainReviewers.add(DirectoryData.reviewerJson(person.id(), token, "token", person.groups(), contacts));
        }
        writeOwnerOnly(credentialsFile, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(plain));
        writeAtomically(directoryFile, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(hashed));
    }

    private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        // Created with mode 0600 so the secrets are never readable by others, not even for a moment.
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(temp, content);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeAtomically(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, content);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
