package io.countersign.channel.slack.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The channel's configuration as values, checked once.
 *
 * @param channel a fixed channel id for every notification, or {@code null} for a direct message to each reviewer
 */
record SlackSettings(String apiBaseUrl, String botToken, String signingSecret, Set<String> teamIds,
                     Set<String> appIds, String channel, String responseUrlPrefix, int maxBodyBytes,
                     Duration timeout) {

    SlackSettings {
        Objects.requireNonNull(apiBaseUrl, "apiBaseUrl");
        teamIds = Set.copyOf(teamIds);
        appIds = Set.copyOf(appIds);
        channel = channel == null || channel.isBlank() ? null : channel.trim();
        Objects.requireNonNull(responseUrlPrefix, "responseUrlPrefix");
        // a prefix must end at a path boundary: "https://hooks.slack.com" would also admit hooks.slack.com.evil.example
        responseUrlPrefix = responseUrlPrefix.endsWith("/") ? responseUrlPrefix : responseUrlPrefix + "/";
        Objects.requireNonNull(timeout, "timeout");
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
        }
    }

    static SlackSettings from(ChannelConfig config) {
        return new SlackSettings(config.apiBaseUrl().trim(), config._botToken().trim(),
                config._signingSecret().trim(), list(config.teamIds()), list(config.appIds()), config.channel(),
                config.responseUrlPrefix().trim(), config.maxBodyBytes(), Duration.ofMillis(config.timeoutMillis()));
    }

    /** For outbound: a bot token is required. */
    SlackSettings requireOutbound() {
        if (botToken == null || botToken.isEmpty()) {
            throw new IllegalArgumentException(ChannelConfig.PID + ": .botToken is required");
        }
        return this;
    }

    /** For inbound: a signing secret and both allow-lists are required; without them every click would be refused. */
    SlackSettings requireInbound() {
        if (signingSecret == null || signingSecret.isEmpty()) {
            throw new IllegalArgumentException(ChannelConfig.PID + ": .signingSecret is required");
        }
        // An unresolved ${env:…} placeholder or a short value would be a secret anyone can guess.
        if (signingSecret.contains("${") || signingSecret.length() < 16) {
            throw new IllegalArgumentException(ChannelConfig.PID + ": .signingSecret is not a real signing secret"
                    + " (unresolved placeholder or shorter than 16 characters)");
        }
        if (teamIds.isEmpty() || appIds.isEmpty()) {
            throw new IllegalArgumentException(ChannelConfig.PID + ": teamIds and appIds are required");
        }
        return this;
    }

    /** Configuration files give lists as one comma-separated value; ConfigAdmin may give an array. */
    private static Set<String> list(String[] values) {
        return Arrays.stream(values == null ? new String[0] : values)
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String toString() {
        return "SlackSettings[apiBaseUrl=" + apiBaseUrl + ", teamIds=" + teamIds + ", appIds=" + appIds
                + ", channel=" + channel + ", responseUrlPrefix=" + responseUrlPrefix + "]";
    }
}
