package io.countersign.siem.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.json.Jcs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * What of an entry's data leaves the node. Two members are replaced by their SHA-256 (docs/siem.md, "What is not
 * exported"): a vote's {@code evidence.artifact} (a Teams JWT valid for an hour, a signed Slack body whose
 * {@code response_url} posts into the reviewer's conversation: docs/ARCHITECTURE.md, known limits) and the rule files
 * of policy entries ({@code files}, tens of kB to MB: beyond what a syslog receiver must take). The hash lets an
 * auditor match them against the entry in an evidence bundle, whose hash the event carries.
 */
final class Redaction {

    private Redaction() {
    }

    /**
     * The data to export: {@code data} itself when nothing is to be replaced (most entries: a deep copy per event
     * was a tenth of a sink's time), else a copy with the replacements. Never modify what it returns.
     */
    static ObjectNode data(ObjectNode data) {
        JsonNode original = data.get("evidence");
        if (!(original instanceof ObjectNode originalEvidence && originalEvidence.has("artifact"))
                && !(data.get("files") instanceof ObjectNode)) {
            return data;
        }
        ObjectNode copy = data.deepCopy();
        JsonNode evidence = copy.get("evidence");
        if (evidence instanceof ObjectNode evidenceObject && evidenceObject.has("artifact")) {
            evidenceObject.put("artifactSha256", sha256(Jcs.canonicalize(evidenceObject.get("artifact"))));
            evidenceObject.remove("artifact");
        }
        JsonNode files = copy.get("files");
        if (files instanceof ObjectNode fileObject) {
            ObjectNode hashes = copy.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = fileObject.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> file = it.next();
                hashes.put(file.getKey(), sha256(file.getValue().asText().getBytes(StandardCharsets.UTF_8)));
            }
            copy.remove("files");
            copy.set("fileSha256", hashes);
        }
        return copy;
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
