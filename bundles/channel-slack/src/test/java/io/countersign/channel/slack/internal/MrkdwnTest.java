package io.countersign.channel.slack.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MrkdwnTest {

    @Test
    void controlCharactersAreEscapedSoMentionsAndLinksStayText() {
        assertEquals("&lt;!channel&gt; &lt;@U0123&gt; &lt;http://evil|click&gt; a &amp;amp; b",
                Mrkdwn.escape("<!channel> <@U0123> <http://evil|click> a &amp; b", 3000));
    }

    @Test
    void invisibleAndDirectionCharactersAreShown() {
        assertEquals("admin[U+202E]txt.exe[U+200B] [U+2066]x[U+2069]",
                Mrkdwn.escape("admin\u202Etxt.exe\u200B \u2066x\u2069", 3000));
        assertEquals("line\nnext\ttab", Mrkdwn.escape("line\nnext\ttab", 3000));
        assertEquals("a[U+000D]b", Mrkdwn.escape("a\rb", 3000));
    }

    @Test
    void codeBlockCannotBeClosedFromInside() {
        String block = Mrkdwn.codeBlock("x```\n*bold* <!here>\n```", 3000);
        assertTrue(block.startsWith("```\n") && block.endsWith("\n```"));
        String inside = block.substring(4, block.length() - 4);
        assertFalse(inside.contains("```"), inside);
        assertFalse(inside.contains("``"), inside);
        assertTrue(inside.contains("&lt;!here&gt;"), inside);
    }

    @Test
    void cutTextStaysWithinTheLimitAndNeverSplitsAnEntity() {
        String text = "<".repeat(2000);
        String escaped = Mrkdwn.escape(text, 3000);
        assertTrue(escaped.length() <= 3000, "length " + escaped.length());
        assertTrue(escaped.endsWith(Mrkdwn.CUT));
        String kept = escaped.substring(0, escaped.length() - Mrkdwn.CUT.length());
        assertEquals("", kept.replace("&lt;", ""), "only whole entities before the cut");
        String block = Mrkdwn.codeBlock("`".repeat(4000), 3000);
        assertTrue(block.length() <= 3000, "length " + block.length());
        assertTrue(block.endsWith("\n```"));
    }

    @Test
    void textWithinTheLimitIsNotCut() {
        String text = "a".repeat(3000);
        assertEquals(text, Mrkdwn.escape(text, 3000));
    }
}
