package io.countersign.channel.slack.internal;

import java.util.Locale;

/**
 * Turns untrusted text into Slack mrkdwn that shows exactly that text. {@code &}, {@code <} and {@code >} are
 * Slack's control characters (https://docs.slack.dev/messaging/formatting-message-text#escaping): escaping them is
 * what keeps {@code <!channel>}, {@code <@U123>} and {@code <https://evil|https://good>} from pinging anyone or
 * hiding a link. Invisible and direction-changing characters (bidi overrides, zero-width spaces) are shown as
 * {@code [U+XXXX]} so a reviewer sees what is really there. Emphasis characters ({@code * _ ~ `}) cannot be escaped
 * in mrkdwn; they can change emphasis only, never create a link or a mention.
 */
final class Mrkdwn {

    static final String CUT = "… (cut; the full text is in the console)";

    private static final char ZERO_WIDTH_SPACE = '\u200B';

    private Mrkdwn() {
    }

    /** The escaped text, or as much of it as fits in {@code maxChars} with a note that it was cut. */
    static String escape(String text, int maxChars) {
        return escaped(text == null ? "" : text, maxChars, false);
    }

    /**
     * A code block showing {@code text} verbatim, at most {@code maxChars} long. Runs of backticks inside are broken
     * with zero-width spaces so the text cannot close the block and continue as formatted mrkdwn.
     */
    static String codeBlock(String text, int maxChars) {
        String open = "```\n";
        String close = "\n```";
        return open + escaped(text == null ? "" : text, maxChars - open.length() - close.length(), true) + close;
    }

    private static String escaped(String text, int maxChars, boolean inCode) {
        String full = escapeAll(text, inCode, Integer.MAX_VALUE);
        if (full.length() <= maxChars) {
            return full;
        }
        return escapeAll(text, inCode, Math.max(0, maxChars - CUT.length())) + CUT;
    }

    /** Escapes unit by unit and stops before the unit that would pass {@code maxChars}, never inside an entity. */
    private static String escapeAll(String text, boolean inCode, int maxChars) {
        StringBuilder out = new StringBuilder(Math.min(text.length() + 16, maxChars));
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            boolean afterBacktick = inCode && out.length() > 0 && out.charAt(out.length() - 1) == '`';
            String unit = unit(cp, afterBacktick);
            if (out.length() + unit.length() > maxChars) {
                break;
            }
            out.append(unit);
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static String unit(int cp, boolean afterBacktick) {
        return switch (cp) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '\n', '\t' -> String.valueOf((char) cp);
            case '`' -> afterBacktick ? ZERO_WIDTH_SPACE + "`" : "`";
            default -> isInvisible(cp) ? String.format(Locale.ROOT, "[U+%04X]", cp) : Character.toString(cp);
        };
    }

    private static boolean isInvisible(int cp) {
        int type = Character.getType(cp);
        return type == Character.FORMAT || type == Character.CONTROL || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE
                || type == Character.UNASSIGNED || type == Character.PRIVATE_USE;
    }
}
