package io.countersign.intake.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.countersign.api.GrantRefusal;
import io.countersign.api.RefusalReason;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The document served at /v1/openapi.json is valid OpenAPI 3.1 and names every problem reason the server has. */
class OpenApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OAS = "https://spec.openapis.org/oas/3.1/";

    /** Where a reason is given in the code: a Problem, a readiness check's answer. */
    private static final List<Pattern> REASON_SITES = List.of(
            Pattern.compile("new Problem\\(\\s*\\d{3},\\s*\"([a-z0-9-]+)\""),
            Pattern.compile("Problem\\.(?:badRequest|forbidden)\\(\\s*\"([a-z0-9-]+)\""),
            Pattern.compile("Readiness\\.notReady\\([^,]+,\\s*\"([a-z0-9-]+)\""));

    private static String text() {
        return new String(OpenApiDocument.read(), StandardCharsets.UTF_8);
    }

    private static JsonNode document() throws IOException {
        return JSON.readTree(OpenApiDocument.read());
    }

    @Test
    void swaggerParser_readsItAsOpenApi31_withoutAMessage() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text(), null, options);
        assertEquals(List.of(), result.getMessages());
        assertEquals("3.1.0", result.getOpenAPI().getOpenapi());
        assertTrue(result.getOpenAPI().getPaths().containsKey("/v1/actions"));
    }

    @Test
    void validatesAgainstTheOfficialSchema_withEverySchemaObjectInTheBaseDialect() throws IOException {
        // the OAS 3.1 schemas are test resources (src/test/resources/oas-3.1/README.md): nothing is fetched
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
                .schemaMappers(mappers -> mappers.mappings(Map.of(
                        OAS + "schema/2022-10-07", "classpath:oas-3.1/schema.json",
                        OAS + "schema-base/2022-10-07", "classpath:oas-3.1/schema-base.json",
                        OAS + "dialect/base", "classpath:oas-3.1/dialect-base.json",
                        OAS + "meta/base", "classpath:oas-3.1/meta-base.json"))));
        JsonSchema schema = factory.getSchema(SchemaLocation.of(OAS + "schema-base/2022-10-07"));
        assertEquals(Set.of(), schema.validate(document()));
    }

    @Test
    void theOfficialSchema_refusesADocumentThatBreaksIt() throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
                .schemaMappers(mappers -> mappers.mappings(Map.of(
                        OAS + "schema/2022-10-07", "classpath:oas-3.1/schema.json"))));
        JsonSchema schema = factory.getSchema(SchemaLocation.of(OAS + "schema/2022-10-07"));
        JsonNode broken = document().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("paths").get("/v1/actions").get("post"))
                .remove("responses");
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("paths").get("/v1/actions").get("post"))
                .put("parameters", "not a list");
        Set<ValidationMessage> errors = schema.validate(broken);
        assertFalse(errors.isEmpty());
    }

    @Test
    void everyReasonTheServerCanAnswer_isListed_andNothingElse() throws IOException {
        Set<String> listed = new TreeSet<>();
        document().at("/components/schemas/ProblemReason/anyOf/0/enum").forEach(r -> listed.add(r.asText()));
        Map<String, String> inCode = new TreeMap<>();
        for (GrantRefusal refusal : GrantRefusal.values()) {
            inCode.put(refusal.code(), "GrantRefusal." + refusal);
        }
        for (RefusalReason refusal : RefusalReason.values()) {
            inCode.put(refusal.code(), "RefusalReason." + refusal);
        }
        inCode.putAll(reasonsInServerSources());
        List<String> missing = new ArrayList<>();
        inCode.forEach((reason, where) -> {
            if (!listed.contains(reason)) {
                missing.add(reason + " (" + where + ")");
            }
        });
        assertEquals(List.of(), missing, "reasons the server answers that components.schemas.ProblemReason lacks");
        Set<String> stale = new TreeSet<>(listed);
        stale.removeAll(inCode.keySet());
        assertEquals(Set.of(), stale, "reasons ProblemReason lists that no code gives");
        assertTrue(inCode.containsKey("unauthenticated") && inCode.containsKey("journal-failed"),
                "the source scan found the reasons of the http and journal bundles: " + inCode.keySet());
    }

    @Test
    void everyReasonAnOperationLists_isAReasonOfProblemReason() throws IOException {
        JsonNode doc = document();
        Set<String> listed = new TreeSet<>();
        doc.at("/components/schemas/ProblemReason/anyOf/0/enum").forEach(r -> listed.add(r.asText()));
        List<String> unknown = new ArrayList<>();
        doc.findParents("allOf").forEach(parent -> parent.get("allOf").forEach(part -> part.at("/properties/reason"
                + "/enum").forEach(reason -> {
                    if (!listed.contains(reason.asText())) {
                        unknown.add(reason.asText());
                    }
                })));
        assertEquals(List.of(), unknown);
    }

    /**
     * The reasons written in the main sources of every bundle but the channels' (whose hooks are not the API and
     * answer their own codes, the {@code ChannelProblem} schema).
     */
    private static Map<String, String> reasonsInServerSources() throws IOException {
        Path bundles = Path.of("..").toAbsolutePath().normalize();
        Map<String, String> found = new TreeMap<>();
        try (Stream<Path> files = Files.walk(bundles)) {
            files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> f.toString().contains("/src/main/java/"))
                    .filter(f -> !bundles.relativize(f).toString().startsWith("channel-"))
                    .forEach(file -> {
                        String source = read(file);
                        for (Pattern site : REASON_SITES) {
                            Matcher matcher = site.matcher(source);
                            while (matcher.find()) {
                                found.putIfAbsent(matcher.group(1), bundles.relativize(file).toString());
                            }
                        }
                    });
        }
        return found;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
