package io.countersign.intake.rest.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code ?wait=30s} (also {@code 500ms}, {@code 2m}, or plain seconds). */
final class WaitParameter {

    private static final Pattern FORM = Pattern.compile("(\\d{1,6})(ms|s|m)?");

    private WaitParameter() {
    }

    static Duration parse(String value, Duration max) throws SubmissionParser.InvalidInput {
        Matcher m = FORM.matcher(value);
        if (!m.matches()) {
            throw new SubmissionParser.InvalidInput("'wait' must look like 30s, 500ms or 2m");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration wait = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
