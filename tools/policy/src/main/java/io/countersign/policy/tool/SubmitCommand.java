package io.countersign.policy.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.policy.drools.internal.RuleTestReport;
import io.countersign.policy.drools.internal.RuleTests;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code submit [DIR] --server URL --token TOKEN [--description TEXT]}: proposes DIR's rules and tests as a policy
 * change. The tests run here first, and the server runs them again: a rule set that fails them is never submitted.
 */
final class SubmitCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SubmitCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Options options;
        Path dir;
        String server;
        String token;
        try {
            options = Options.parse(args, Set.of("--server", "--token", "--description"), Set.of());
            if (options.positional.size() > 1) {
                throw new Options.UsageException("submit takes one directory");
            }
            dir = Path.of(options.positional.isEmpty() ? "rules" : options.positional.get(0));
            server = options.required("--server").replaceAll("/+$", "");
            token = options.required("--token");
        } catch (Options.UsageException e) {
            err.print(e.getMessage() + "\n" + PolicyTool.USAGE);
            return 2;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("description", options.values.getOrDefault("--description", ""));
        ObjectNode files = body.putObject("files");
        try {
            RuleTestReport report = RuleTests.run(dir, SubmitCommand.class.getClassLoader());
            if (!report.passed()) {
                err.print(report.text());
                err.println("not submitted: the rule tests must pass first");
                return 1;
            }
            add(files, dir, "", ".drl");
            add(files, dir.resolve("tests"), "tests/", ".yaml");
        } catch (IOException e) {
            err.println("cannot read " + dir + ": " + e.getMessage());
            return 2;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(server + "/v1/policy/changes"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("cannot reach " + server + ": " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            err.println("HTTP " + response.statusCode() + ": " + response.body());
            return 2;
        }
        if (response.statusCode() != 201) {
            err.println("HTTP " + response.statusCode() + " " + answer.path("title").asText() + ": "
                    + answer.path("detail").asText());
            return response.statusCode() == 422 ? 1 : 2;
        }
        out.println("proposed change " + answer.path("id").asText() + ": rule set " + answer.path("version").asText()
                + ", " + answer.path("testCases").asInt() + " test cases pass; review request "
                + answer.path("request").asText() + " is pending with the policy admins, and the rule set goes live"
                + " when they approve it");
        return 0;
    }

    private static void add(ObjectNode files, Path dir, String prefix, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path file : listing.filter(f -> f.getFileName().toString().endsWith(suffix)
                    && !f.getFileName().toString().startsWith(".") && Files.isRegularFile(f)).sorted().toList()) {
                files.put(prefix + file.getFileName(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
    }
}
