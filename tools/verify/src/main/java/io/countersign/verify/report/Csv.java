package io.countersign.verify.report;

import java.time.Instant;
import java.util.List;

/** The population and the exceptions as RFC 4180 CSV (CRLF line ends, fields quoted when they must be). */
final class Csv {

    static final List<String> POPULATION_HEADER = List.of("request", "received_at", "agent", "on_behalf_of", "action",
            "resource", "environment", "justification", "policy_outcome", "rules", "policy_version", "status",
            "decided_at", "seconds_to_decision", "reviews", "break_glass", "standing_approval", "grant",
            "grant_consumed_at", "execution", "executed_at");
    static final List<String> EXCEPTIONS_HEADER = List.of("kind", "at", "request", "detail");

    private Csv() {
    }

    static String populationHeader() {
        StringBuilder csv = new StringBuilder();
        line(csv, POPULATION_HEADER);
        return csv.toString();
    }

    /** One row of population.csv, with its CRLF. */
    static String populationLine(Period.Row row) {
        StringBuilder csv = new StringBuilder(256);
        line(csv, List.of(row.request, text(row.receivedAt), row.agent, String.join(";", row.onBehalfOf),
                row.action, row.resource, row.environment, row.justification, row.policyOutcome,
                String.join(";", row.rules), row.policyVersion, row.status, text(row.decidedAt),
                row.decidedAt == null ? "" : Long.toString(row.secondsToDecision()),
                String.join(";", row.reviews), row.breakGlass ? "yes" : "no", row.standing, row.grant,
                text(row.grantConsumedAt), row.execution, text(row.executedAt)));
        return csv.toString();
    }

    static String exceptions(List<Period.Exception> exceptions) {
        StringBuilder csv = new StringBuilder();
        line(csv, EXCEPTIONS_HEADER);
        for (Period.Exception exception : exceptions) {
            line(csv, List.of(exception.kind(), text(exception.at()),
                    exception.request() == null ? "" : exception.request(), exception.detail()));
        }
        return csv.toString();
    }

    private static String text(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    private static void line(StringBuilder csv, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            String field = fields.get(i);
            // a leading = + - @ makes spreadsheets run the field as a formula (CSV injection); a quote prefix defuses it
            if (!field.isEmpty() && "=+-@".indexOf(field.charAt(0)) >= 0) {
                field = "'" + field;
            }
            if (field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0
                    || field.indexOf('\r') >= 0 || field.startsWith("'")) {
                csv.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                csv.append(field);
            }
        }
        csv.append("\r\n");
    }
}
