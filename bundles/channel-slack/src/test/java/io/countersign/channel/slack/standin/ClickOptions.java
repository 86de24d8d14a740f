package io.countersign.channel.slack.standin;

/**
 * How a callback is sent, for tests of what must be refused. The defaults sign exactly as Slack does, now, from the
 * stand-in's team and app.
 *
 * @param timestamp         the {@code X-Slack-Request-Timestamp} to send and sign, or {@code null} for now
 * @param signature         a literal {@code X-Slack-Signature} to send instead of the real one, or {@code null}
 * @param withoutSignature  send neither signature header
 * @param teamId            the {@code team.id} (and {@code user.team_id}) to claim, or {@code null} for the stand-in's
 * @param apiAppId          the {@code api_app_id} to claim, or {@code null} for the stand-in's
 */
public record ClickOptions(Long timestamp, String signature, boolean withoutSignature, String teamId,
                           String apiAppId) {

    public static ClickOptions defaults() {
        return new ClickOptions(null, null, false, null, null);
    }

    /** Signed (correctly) with this timestamp, in seconds since the epoch. */
    public ClickOptions at(long epochSeconds) {
        return new ClickOptions(epochSeconds, signature, withoutSignature, teamId, apiAppId);
    }

    /** Sends this {@code X-Slack-Signature} instead of the correct one. */
    public ClickOptions withSignature(String literal) {
        return new ClickOptions(timestamp, literal, withoutSignature, teamId, apiAppId);
    }

    public ClickOptions withoutSignatureHeaders() {
        return new ClickOptions(timestamp, signature, true, teamId, apiAppId);
    }

    public ClickOptions fromTeam(String id) {
        return new ClickOptions(timestamp, signature, withoutSignature, id, apiAppId);
    }

    public ClickOptions forApp(String id) {
        return new ClickOptions(timestamp, signature, withoutSignature, teamId, id);
    }
}
