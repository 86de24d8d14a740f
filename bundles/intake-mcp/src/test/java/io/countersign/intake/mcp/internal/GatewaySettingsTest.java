package io.countersign.intake.mcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

    @Test
    void upstreamsAreStdioCommandsOrHttpUrls_inNameOrder() {
        GatewaySettings settings = GatewaySettings.parse(Map.of(
                "upstream.files", "stdio: npx -y  @modelcontextprotocol/server-filesystem /srv/data",
                "upstream.everything", "http://127.0.0.1:3001/mcp"));
        assertEquals(2, settings.upstreams().size());
        UpstreamSpec everything = settings.upstreams().get(0);
        assertEquals("everything", everything.name());
        assertEquals(URI.create("http://127.0.0.1:3001/mcp"), everything.url());
        UpstreamSpec files = settings.upstreams().get(1);
        assertTrue(files.isStdio());
        assertEquals(List.of("npx", "-y", "@modelcontextprotocol/server-filesystem", "/srv/data"), files.command());
    }

    @Test
    void anUpstreamThatIsNeitherIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> GatewaySettings.parse(Map.of("upstream.x", "ftp://example.com")));
        assertTrue(e.getMessage().contains("upstream x"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(Map.of("upstream.x", "stdio:  ")));
    }

    @Test
    void aToolMappingTakesItsFields_andDefaultsTheRest() {
        GatewaySettings settings = GatewaySettings.parse(Map.of(
                "environment", "staging",
                "tool.write_file.action", "files.write",
                "tool.write_file.resource", "arg:path",
                "tool.write_file.parameters", "path, mode",
                "tool.read_text_file.action", "db.query",
                "tool.read_text_file.environment", "production"));
        ToolMapping write = settings.mapping("write_file").orElseThrow();
        assertEquals("files.write", write.action());
        assertEquals("arg:path", write.resource());
        assertEquals("staging", write.environment());
        assertEquals(List.of("path", "mode"), write.parameters());
        assertEquals("MCP tool call write_file", write.justification());
        ToolMapping read = settings.mapping("read_text_file").orElseThrow();
        assertEquals("mcp:read_text_file", read.resource());
        assertEquals("production", read.environment());
        assertNull(read.parameters(), "no list: every argument is a parameter");
        assertTrue(settings.mapping("move_file").isEmpty());
    }

    @Test
    void aToolMappingWithoutAnActionOrWithAnUnknownFieldIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> GatewaySettings.parse(Map.of("tool.write_file.resource", "arg:path")));
        var e = assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(Map.of(
                "tool.write_file.action", "files.write", "tool.write_file.resorce", "arg:path")));
        assertTrue(e.getMessage().contains("resorce"), e.getMessage());
    }

    @Test
    void defaults_denyUnmappedTools_andWaitFiveMinutes() {
        GatewaySettings settings = GatewaySettings.parse(Map.of("component.name", "x"));
        assertEquals(GatewaySettings.Unmapped.DENY, settings.unmapped());
        assertEquals(Duration.ofMinutes(5), settings.reviewWait());
        assertEquals(Duration.ofSeconds(5), settings.progressInterval());
        assertTrue(settings.upstreams().isEmpty());
    }

    @Test
    void numbersAndTheUnmappedPolicyAreChecked() {
        GatewaySettings settings = GatewaySettings.parse(Map.of("unmappedTools", "allow-read-only",
                "reviewWaitSeconds", "20", "progressIntervalSeconds", 2));
        assertEquals(GatewaySettings.Unmapped.ALLOW_READ_ONLY, settings.unmapped());
        assertEquals(Duration.ofSeconds(20), settings.reviewWait());
        assertEquals(Duration.ofSeconds(2), settings.progressInterval());
        assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(Map.of("unmappedTools", "allow")));
        assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(Map.of("reviewWaitSeconds", "0")));
        assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(Map.of("reviewWaitSeconds", "5m")));
    }
}
