package io.countersign.channel.slack.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.channel.slack.standin.SlackStandIn;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SlackSignatureTest {

    /** The worked example of https://docs.slack.dev/authentication/verifying-requests-from-slack. */
    private static final String DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String DOC_TIMESTAMP = "1531420618";
    private static final byte[] DOC_BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
            + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
            + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
            + "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121"
            + ".803a0bc887a14d10d2c447fce8b6703c").getBytes(StandardCharsets.US_ASCII);
    private static final String DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private final SlackSignature signature = new SlackSignature(DOC_SECRET);

    @Test
    void slacksWorkedExampleVerifies() {
        assertEquals(DOC_SIGNATURE, signature.sign(DOC_TIMESTAMP, DOC_BODY));
        assertTrue(signature.matches(DOC_TIMESTAMP, DOC_SIGNATURE, DOC_BODY));
        assertEquals(DOC_SIGNATURE, SlackStandIn.sign(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY), "the stand-in signs alike");
    }

    @Test
    void anyChangeBreaksIt() {
        assertFalse(signature.matches(DOC_TIMESTAMP, DOC_SIGNATURE.toUpperCase(), DOC_BODY), "hex case");
        assertFalse(signature.matches(DOC_TIMESTAMP, "v1=" + DOC_SIGNATURE.substring(3), DOC_BODY), "version");
        assertFalse(signature.matches("1531420619", DOC_SIGNATURE, DOC_BODY), "timestamp");
        byte[] tampered = DOC_BODY.clone();
        tampered[tampered.length - 1] = 'd';
        assertFalse(signature.matches(DOC_TIMESTAMP, DOC_SIGNATURE, tampered), "body");
        assertFalse(new SlackSignature("another-secret").matches(DOC_TIMESTAMP, DOC_SIGNATURE, DOC_BODY), "secret");
        assertFalse(signature.matches(DOC_TIMESTAMP, DOC_SIGNATURE.substring(0, 20), DOC_BODY), "truncated");
        assertFalse(signature.matches(DOC_TIMESTAMP, null, DOC_BODY));
    }

    @Test
    void timestampIsWholeSecondsWithinFiveMinutesEitherWay() {
        assertEquals(OptionalLong.of(1531420618L), SlackSignature.seconds("1531420618"));
        for (String bad : new String[] {"", "-1531420618", "+1531420618", "1531420618.5", "1531420618000", " 1", "x"}) {
            assertTrue(SlackSignature.seconds(bad).isEmpty(), bad);
        }
        long now = 1_800_000_000L;
        assertTrue(SlackSignature.isFresh(now - 300, now));
        assertTrue(SlackSignature.isFresh(now + 300, now));
        assertFalse(SlackSignature.isFresh(now - 301, now));
        assertFalse(SlackSignature.isFresh(now + 301, now));
    }
}
