package io.countersign.channel.slack.standin;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An interactivity callback the stand-in sent, and what it was answered.
 *
 * @param url          where it was sent
 * @param sentBody     the exact bytes sent ({@code payload=<url-encoded JSON>})
 * @param timestamp    the {@code X-Slack-Request-Timestamp} sent, or {@code null}
 * @param signature    the {@code X-Slack-Signature} sent, or {@code null}
 * @param payload      the JSON payload sent, or {@code null} for a raw body
 * @param status       the HTTP status answered
 * @param responseBody the body answered
 */
public record Click(String url, byte[] sentBody, String timestamp, String signature, JsonNode payload, int status,
                    String responseBody) {

    public Click {
        sentBody = sentBody.clone();
    }

    @Override
    public byte[] sentBody() {
        return sentBody.clone();
    }

    /** The {@code response_url} the payload carried, or {@code null}. */
    public String responseUrl() {
        return payload == null ? null : payload.path("response_url").asText(null);
    }
}
