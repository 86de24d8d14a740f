package io.countersign.channel.teams.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompactJwtTest {

    private static final String HEADER = b64("{\"alg\":\"RS256\",\"kid\":\"k1\"}");
    private static final String CLAIMS = b64("{\"aud\":\"app\",\"exp\":1}");

    @Test
    void wellFormedTokenIsSplitIntoHeaderClaimsAndSignature() throws JwtRejection {
        CompactJwt jwt = CompactJwt.parse(HEADER + "." + CLAIMS + ".AQID");

        assertEquals("k1", jwt.header().path("kid").asText());
        assertEquals("app", jwt.claims().path("aud").asText());
        assertArrayEquals(new byte[] {1, 2, 3}, jwt.signature());
        assertArrayEquals((HEADER + "." + CLAIMS).getBytes(StandardCharsets.US_ASCII), jwt.signingInput());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "a.b", "a.b.c.d", ".e30.AQID", "e30..AQID", "e30=.e30.AQID",
            "e30.e30.AQ==", "e30.e30.AQ+/", "e30.e30.AR", "W10.e30.AQID", "bnVsbA.e30.AQID"})
    void malformedTokensAreRefused(String token) {
        JwtRejection rejection = assertThrows(JwtRejection.class, () -> CompactJwt.parse(token));
        assertEquals("jwt-malformed", rejection.code());
    }

    @Test
    void duplicateClaimNamesAreRefusedRatherThanGuessedAt() {
        String twoAudiences = b64("{\"aud\":\"app\",\"aud\":\"other\"}");

        JwtRejection rejection = assertThrows(JwtRejection.class,
                () -> CompactJwt.parse(HEADER + "." + twoAudiences + ".AQID"));
        assertEquals("jwt-malformed", rejection.code());
    }

    @Test
    void peekShowsWhatDecodesOfABrokenToken() {
        assertEquals("app", CompactJwt.peek(HEADER + "." + CLAIMS).path("jwtClaims").path("aud").asText());
        assertEquals("(undecodable)", CompactJwt.peek("%%." + CLAIMS + ".x").path("jwtHeader").asText());
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
