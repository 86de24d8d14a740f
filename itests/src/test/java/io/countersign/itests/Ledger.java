package io.countersign.itests;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The journal as a reviewer reads it over {@code GET /v1/ledger/entries}, kept locally: entries never change once
 * written, so each read fetches only what is new.
 */
final class Ledger {

    private final Api api;
    private final String reviewerToken;
    private final List<JsonNode> entries = new ArrayList<>();

    Ledger(Api api, String reviewerToken) {
        this.api = api;
        this.reviewerToken = reviewerToken;
    }

    /** How many entries the journal holds now: a mark to read what comes after it. */
    synchronized long size() throws Exception {
        refresh();
        return entries.size();
    }

    /** Every entry from {@code mark} (a {@link #size()} read earlier) on. */
    synchronized List<JsonNode> since(long mark) throws Exception {
        refresh();
        return List.copyOf(entries.subList((int) mark, entries.size()));
    }

    /** Every entry whose data names this request, in journal order. */
    synchronized List<JsonNode> about(String requestId) throws Exception {
        refresh();
        return entries.stream().filter(e -> requestId.equals(e.path("data").path("request").asText(null))).toList();
    }

    static List<JsonNode> ofType(List<JsonNode> entries, String type) {
        return entries.stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    static List<JsonNode> matching(List<JsonNode> entries, String type, Predicate<JsonNode> data) {
        return entries.stream().filter(e -> e.path("type").asText().equals(type) && data.test(e.path("data")))
                .toList();
    }

    static String describe(List<JsonNode> entries) {
        StringBuilder out = new StringBuilder();
        for (JsonNode entry : entries) {
            out.append('\n').append(entry.path("seq").asLong()).append(' ').append(entry.path("type").asText())
                    .append(' ').append(entry.path("data"));
        }
        return out.toString();
    }

    private void refresh() throws Exception {
        while (true) {
            Api.Answer page = api.get("/v1/ledger/entries?from=" + entries.size() + "&limit=1000", reviewerToken);
            if (page.status() != 200) {
                throw new AssertionError("reading the ledger failed: " + page.raw());
            }
            JsonNode read = page.body().path("entries");
            for (JsonNode entry : read) {
                if (entry.path("seq").asLong() != entries.size()) {
                    throw new AssertionError("ledger entry " + entries.size() + " expected, got " + entry);
                }
                entries.add(entry);
            }
            if (read.size() < 1000) {
                return;
            }
        }
    }
}
