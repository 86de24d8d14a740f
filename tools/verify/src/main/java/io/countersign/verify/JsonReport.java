package io.countersign.verify;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** The machine-readable report: {@code {"ok", "failures": [{"check", <subject>, "reason"}], "warnings", "summary"}}. */
final class JsonReport {
    private JsonReport() {
    }

    static void print(Report report, PrintStream out) {
        write(out, json -> {
            json.writeBooleanField("ok", report.ok());
            json.writeNumberField("failureCount", report.failureCount());
            json.writeArrayFieldStart("failures");
            for (Failure failure : report.failures()) {
                json.writeStartObject();
                json.writeStringField("check", failure.check());
                for (Map.Entry<String, Object> subject : failure.subject().entrySet()) {
                    json.writeObjectField(subject.getKey(), subject.getValue());
                }
                json.writeStringField("reason", failure.reason());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("warnings");
            for (String warning : report.warnings()) {
                json.writeString(warning);
            }
            json.writeEndArray();
            writeSummary(report.summary(), json);
            if (report.fabric() != null) {
                writeFabric(report.fabric(), json);
            }
        });
    }

    /** For input that could not be read: {@code {"ok": false, "error": "..."}}. */
    static void printError(String message, PrintStream out) {
        write(out, json -> {
            json.writeBooleanField("ok", false);
            json.writeStringField("error", message);
        });
    }

    private static void writeSummary(Summary s, JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("summary");
        json.writeStringField("origin", s.origin());
        json.writeStringField("scope", s.scope());
        json.writeStringField("proves", s.proves());
        json.writeNumberField("entries", s.entries());
        json.writeObjectField("firstSeq", s.firstSeq());
        json.writeObjectField("lastSeq", s.lastSeq());
        json.writeArrayFieldStart("runs");
        for (Run run : s.runs()) {
            json.writeStartArray();
            json.writeNumber(run.firstSeq());
            json.writeNumber(run.lastSeq());
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("checkpoints");
        for (Checkpoint checkpoint : s.checkpoints()) {
            json.writeStartObject();
            json.writeNumberField("size", checkpoint.size());
            json.writeStringField("root", checkpoint.rootBase64());
            json.writeStringField("time", checkpoint.time());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeNumberField("requests", s.requests().requests());
        writeStrings(json, "partialChains", s.requests().partial());
        json.writeObjectFieldStart("chains");
        for (RequestChains.Chain chain : s.requests().chains()) {
            writeStrings(json, chain.request(), chain.steps());
        }
        json.writeEndObject();
        json.writeNumberField("grantsChecked", s.grantsChecked());
        json.writeNumberField("inclusionProofsVerified", s.inclusionProofsVerified());
        json.writeNumberField("consistencyProofsVerified", s.consistencyProofsVerified());
        json.writeStringField("keys", s.keys());
        json.writeObjectField("trustedSize", s.trustedSize());
        json.writeNumberField("elapsedMillis", s.elapsedMillis());
        json.writeEndObject();
    }

    private static void writeFabric(FabricChecks.Summary fabric, JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("fabric");
        json.writeNumberField("anchoredEntries", fabric.anchoredEntries());
        json.writeNumberField("entries", fabric.entries());
        json.writeArrayFieldStart("transactions");
        for (FabricChecks.Transaction transaction : fabric.transactions()) {
            json.writeStartObject();
            json.writeStringField("txId", transaction.txId());
            json.writeNumberField("block", transaction.block());
            json.writeNumberField("from", transaction.from());
            json.writeNumberField("to", transaction.to());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeObjectFieldStart("requests");
        for (var request : fabric.transactionsByRequest().entrySet()) {
            writeStrings(json, request.getKey(), request.getValue());
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeStrings(JsonGenerator json, String field, List<String> strings) throws IOException {
        json.writeArrayFieldStart(field);
        for (String string : strings) {
            json.writeString(string);
        }
        json.writeEndArray();
    }

    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private static void write(PrintStream out, Body body) {
        try (JsonGenerator json = Json.FACTORY.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
    }
}
