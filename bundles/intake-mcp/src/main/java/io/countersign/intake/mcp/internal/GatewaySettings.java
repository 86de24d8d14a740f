package io.countersign.intake.mcp.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The gateway's configuration as read from its ConfigAdmin properties ({@code etc/io.countersign.intake.mcp.cfg}):
 * the fixed settings of {@link McpGateway.Config} plus one {@code upstream.<name>} per upstream server and
 * {@code tool.<tool>.<field>} per mapped tool.
 */
record GatewaySettings(List<UpstreamSpec> upstreams, Map<String, ToolMapping> tools, Unmapped unmapped,
                       Duration reviewWait, Duration progressInterval, Duration upstreamTimeout, int maxBodyBytes) {

    /** What happens to a call of a tool no mapping names. */
    enum Unmapped {
        /** Refused with a tool error. */
        DENY,
        /** Forwarded when the upstream declares the tool read-only ({@code readOnlyHint}), refused otherwise. */
        ALLOW_READ_ONLY;

        static Unmapped parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "deny" -> DENY;
                case "allow-read-only", "allowreadonly", "read-only" -> ALLOW_READ_ONLY;
                default -> throw new IllegalArgumentException("unmappedTools must be 'deny' or 'allow-read-only', not '"
                        + value + "'");
            };
        }
    }

    GatewaySettings {
        upstreams = List.copyOf(upstreams);
        tools = Map.copyOf(tools);
    }

    Optional<ToolMapping> mapping(String tool) {
        return Optional.ofNullable(tools.get(tool));
    }

    static GatewaySettings parse(Map<String, ?> properties) {
        List<UpstreamSpec> upstreams = new ArrayList<>();
        Map<String, Map<String, String>> toolFields = new TreeMap<>();
        new TreeMap<>(properties).forEach((key, value) -> {
            if (value == null) {
                return;
            }
            String text = value instanceof String[] array ? String.join(",", array) : value.toString();
            if (key.startsWith("upstream.") && key.length() > 9) {
                upstreams.add(UpstreamSpec.parse(key.substring(9), text));
            } else if (key.startsWith("tool.")) {
                int dot = key.lastIndexOf('.');
                if (dot <= 5) {
                    throw new IllegalArgumentException("a tool mapping is tool.<tool>.<field>, not " + key);
                }
                toolFields.computeIfAbsent(key.substring(5, dot), t -> new TreeMap<>()).put(key.substring(dot + 1),
                        text.trim());
            }
        });
        String environment = string(properties, "environment", "production");
        Map<String, ToolMapping> tools = new TreeMap<>();
        toolFields.forEach((tool, fields) -> tools.put(tool, mapping(tool, fields, environment)));
        return new GatewaySettings(upstreams, tools,
                Unmapped.parse(string(properties, "unmappedTools", "deny")),
                Duration.ofSeconds(positive(properties, "reviewWaitSeconds", 300)),
                Duration.ofSeconds(positive(properties, "progressIntervalSeconds", 5)),
                Duration.ofSeconds(positive(properties, "upstreamTimeoutSeconds", 60)),
                (int) positive(properties, "maxBodyBytes", 4 << 20));
    }

    private static ToolMapping mapping(String tool, Map<String, String> fields, String environment) {
        for (String field : fields.keySet()) {
            if (!List.of("action", "resource", "environment", "parameters", "justification").contains(field)) {
                throw new IllegalArgumentException("tool." + tool + "." + field + ": unknown field (action, resource,"
                        + " environment, parameters, justification)");
            }
        }
        String action = fields.get("action");
        if (action == null || action.isBlank()) {
            throw new IllegalArgumentException("tool." + tool + ".action is required");
        }
        String parameters = fields.get("parameters");
        List<String> names = parameters == null || parameters.equals("*") ? null
                : Arrays.stream(parameters.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new ToolMapping(tool, action, nonBlank(fields.get("resource"), "mcp:" + tool),
                nonBlank(fields.get("environment"), environment), names,
                nonBlank(fields.get("justification"), "MCP tool call " + tool));
    }

    private static String nonBlank(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String string(Map<String, ?> properties, String key, String fallback) {
        Object value = properties.get(key);
        return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
    }

    private static long positive(Map<String, ?> properties, String key, long fallback) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        long parsed;
        try {
            parsed = value instanceof Number number ? number.longValue() : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'");
        }
        if (parsed <= 0) {
            throw new IllegalArgumentException(key + " must be positive, not " + parsed);
        }
        return parsed;
    }
}
