package io.countersign.siem.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;

/**
 * ArcSight CEF 0: {@code CEF:0|Countersign|Countersign|1|<type>|<name>|<severity>|<extension>}. Header fields escape
 * {@code \} and {@code |} and have no line breaks; extension values escape {@code \} and {@code =} and encode
 * CR and LF as {@code \r} and {@code \n}, so an event is always one line (docs/siem.md).
 */
final class CefFormat implements EventFormat {

    private final String origin;

    CefFormat(String origin) {
        this.origin = origin;
    }

    @Override
    public String name() {
        return "cef";
    }

    @Override
    public String format(JournalEntry entry) {
        ObjectNode data = Redaction.data(entry.data());
        String type = entry.type();
        StringBuilder cef = new StringBuilder(256);
        cef.append("CEF:0|Countersign|Countersign|1|").append(header(type)).append('|')
                .append(header(name(type, data))).append('|')
                .append(severity(OcsfFormat.severity(type, data))).append('|');
        Extension ext = new Extension(cef);
        ext.put("rt", Long.toString(entry.time().toEpochMilli()));
        ext.put("cat", type);
        ext.put("externalId", text(data, "request"));
        ext.put("act", action(type, data));
        ext.put("outcome", outcome(type, data));
        ext.put("suser", who(type, data));
        ext.put("reason", text(data, "reason") != null ? text(data, "reason") : text(data, "code"));
        ext.put("msg", text(data, "detail"));
        ext.put("cn1Label", "seq");
        ext.put("cn1", Long.toString(entry.seq()));
        ext.put("cs1Label", "hash");
        ext.put("cs1", entry.hash());
        ext.put("cs2Label", "policyVersion");
        ext.put("cs2", text(data, "policyVersion"));
        ext.put("cs3Label", "digest");
        ext.put("cs3", text(data, "digest"));
        ext.put("cs4Label", "channel");
        ext.put("cs4", text(data, "channel"));
        ext.put("cs5Label", "grant");
        ext.put("cs5", text(data, "grant"));
        ext.put("cs6Label", "origin");
        ext.put("cs6", origin);
        if (type.equals(OcsfFormat.ACCESS_REFUSED)) {
            ext.put("cnt", text(data, "refusals"));
            ext.put("destinationServiceName", text(data, "surface"));
            if (text(data, "client") != null) {
                ext.put("flexString1Label", "clientHash");
                ext.put("flexString1", text(data, "client"));
            }
            ext.put("cn2Label", "suppressed");
            ext.put("cn2", text(data, "suppressed"));
        }
        JsonNode action = data.path("action");
        if (action.isObject()) {
            ext.put("request", action.path("action").asText() + " " + action.path("resource").asText() + " "
                    + action.path("environment").asText());
        }
        return cef.toString();
    }

    /** A header field: {@code \} and {@code |} escaped, line breaks (not allowed in a header) as spaces. */
    static String header(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '|' -> out.append("\\|");
                case '\r', '\n' -> out.append(' ');
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** An extension value: {@code \} and {@code =} escaped, CR and LF as {@code \r} and {@code \n}. */
    static String value(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '=' -> out.append("\\=");
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** OCSF severity (1 informational … 4 high) on CEF's 0–10. */
    static int severity(int ocsf) {
        return switch (ocsf) {
            case 2 -> 5;
            case 3 -> 6;
            case 4 -> 8;
            default -> 3;
        };
    }

    private static String name(String type, ObjectNode data) {
        JsonNode action = data.path("action");
        if (action.isObject()) {
            return type + " " + action.path("action").asText();
        }
        return type;
    }

    private static String action(String type, ObjectNode data) {
        return switch (type) {
            case "policy.decided" -> data.path("outcome").asText().toLowerCase(java.util.Locale.ROOT);
            case "review.accepted" -> data.path("verdict").asText();
            case "request.approved" -> "approve";
            case "request.denied" -> "reject";
            case "request.expired" -> "expire";
            default -> null;
        };
    }

    private static String outcome(String type, ObjectNode data) {
        if (type.endsWith(".refused")) {
            return "failure";
        }
        if (data.path("status").isTextual()) {
            return data.get("status").asText();
        }
        return text(data, "outcome");
    }

    private static String who(String type, ObjectNode data) {
        if (type.equals("request.received")) {
            return data.path("agent").path("id").asText(null);
        }
        for (String member : new String[] {"reviewer", "by", "agent", "approver", "author"}) {
            if (data.path(member).isTextual()) {
                return data.get(member).asText();
            }
        }
        return null;
    }

    private static String text(ObjectNode data, String member) {
        JsonNode node = data.get(member);
        return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    /** Space-separated {@code key=value} pairs; absent values are left out. */
    private static final class Extension {
        private final StringBuilder out;
        private boolean first = true;

        Extension(StringBuilder out) {
            this.out = out;
        }

        void put(String key, String value) {
            if (value == null) {
                return;
            }
            if (!first) {
                out.append(' ');
            }
            first = false;
            out.append(key).append('=').append(value(value));
        }
    }
}
