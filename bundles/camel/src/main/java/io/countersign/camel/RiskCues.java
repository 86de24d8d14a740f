package io.countersign.camel;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.api.Action;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The facts that make an action risky, named the way the default policy pack reads them, so a reviewer sees at a
 * glance what the policy saw instead of finding it inside the parameters' JSON: production (any environment other than
 * staging and development, as the policy treats it), personal data ({@code containsPii}), the number of rows, and
 * actions that change privileges or network exposure or delete.
 */
public final class RiskCues {

    private RiskCues() {
    }

    /** The cues of this action, most important first; empty when none applies. */
    public static List<String> of(Action action) {
        List<String> cues = new ArrayList<>();
        String environment = action.environment();
        if ("production".equals(environment)) {
            cues.add("production");
        } else if (!"staging".equals(environment) && !"development".equals(environment)) {
            cues.add("treated as production (environment \"" + environment + "\")");
        }
        JsonNode parameters = action.parameters();
        JsonNode pii = parameters == null ? null : parameters.get("containsPii");
        if (pii != null && (pii.asBoolean(false) || "true".equalsIgnoreCase(pii.asText()))) {
            cues.add("personal data");
        }
        BigInteger rows = parameters == null ? null : wholeNumber(parameters.get("rows"));
        if (rows != null) {
            cues.add(String.format(Locale.ROOT, "%,d %s", rows, rows.equals(BigInteger.ONE) ? "row" : "rows"));
        }
        String name = action.action();
        if (name.startsWith("iam.") || name.startsWith("privilege.")) {
            cues.add("changes privileges");
        } else if (name.startsWith("network.")) {
            cues.add("changes network access");
        }
        if (name.endsWith(".delete")) {
            cues.add("deletes");
        }
        return List.copyOf(cues);
    }

    private static BigInteger wholeNumber(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue();
        }
        if (value.isTextual() && value.asText().matches("[0-9]{1,30}")) {
            return new BigInteger(value.asText());
        }
        return null;
    }
}
