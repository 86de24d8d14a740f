package io.countersign.intake.mcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.ActionSubmission;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolMappingTest {

    private static final ToolMapping WRITE = new ToolMapping("write_file", "files.write", "arg:path", "production",
            List.of("path"), "arg:reason");

    @Test
    void argumentsFillTheActionFields_andFixedTextStaysAsItIs() throws Exception {
        ActionSubmission action = WRITE.submission(Map.of("path", "/srv/a.txt", "content", "hello",
                "reason", "fix the typo"), List.of("alice"));
        assertEquals("files.write", action.action());
        assertEquals("/srv/a.txt", action.resource());
        assertEquals("production", action.environment());
        assertEquals("fix the typo", action.justification());
        assertEquals(List.of("alice"), action.onBehalfOf());
        assertEquals("/srv/a.txt", action.parameters().path("path").asText());
        assertFalse(action.parameters().has("content"), "only the listed arguments are shown");
    }

    @Test
    void theArgumentsDigestBindsEveryArgument_evenThoseNotShown() throws Exception {
        ActionSubmission hello = WRITE.submission(Map.of("path", "/srv/a.txt", "content", "hello", "reason", "r"),
                List.of("alice"));
        ActionSubmission other = WRITE.submission(Map.of("path", "/srv/a.txt", "content", "rm -rf /", "reason", "r"),
                List.of("alice"));
        String digest = hello.parameters().path(ToolMapping.ARGUMENTS_DIGEST).asText();
        assertTrue(digest.startsWith("sha256:") && digest.length() == 71, digest);
        assertNotEquals(digest, other.parameters().path(ToolMapping.ARGUMENTS_DIGEST).asText());
    }

    @Test
    void theDigestIsCanonical_memberOrderDoesNotMatter() throws Exception {
        var first = new java.util.LinkedHashMap<String, Object>();
        first.put("path", "/a");
        first.put("reason", "r");
        var second = new java.util.LinkedHashMap<String, Object>();
        second.put("reason", "r");
        second.put("path", "/a");
        assertEquals(WRITE.submission(first, List.of()).parameters(), WRITE.submission(second, List.of()).parameters());
    }

    @Test
    void withoutAListEveryArgumentIsAParameter() throws Exception {
        ToolMapping all = new ToolMapping("read_text_file", "db.query", "arg:path", "production", null, "read");
        ActionSubmission action = all.submission(Map.of("path", "/a", "head", 3), List.of());
        assertEquals(3, action.parameters().path("head").asInt());
        assertEquals("/a", action.parameters().path("path").asText());
    }

    @Test
    void aMissingOrBlankArgumentTheMappingNeedsIsRefused() {
        var missing = assertThrows(ToolMapping.UnmappableCall.class,
                () -> WRITE.submission(Map.of("reason", "r"), List.of()));
        assertTrue(missing.getMessage().contains("'path'"), missing.getMessage());
        assertThrows(ToolMapping.UnmappableCall.class,
                () -> WRITE.submission(Map.of("path", " ", "reason", "r"), List.of()));
        assertThrows(ToolMapping.UnmappableCall.class, () -> WRITE.submission(null, List.of()));
    }
}
