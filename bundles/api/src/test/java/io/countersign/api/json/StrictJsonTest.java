package io.countersign.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"action\":\"read\",\"action\":\"export\"}",
            "{\"a\":1,}",
            "{\"a\":1",
            "{\"a\":NaN}",
            "{\"a\":9007199254740993}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\udc00x\"}",
            "{\"a\":1} {\"b\":2}",
            "[1,2]",
            "\"text\"",
            "",
            "{\"a\":1e400}",
            "{\"rows\":1E+99999999999}",
            "{\"rows\":1E-99999999999}",
            "{\"rows\":[0.5e2147483648]}",
            "{\"rows\":-1e99999999999999999999}"
    })
    void refusesWhatParsersDisagreeOn(String body) {
        JsonInputException e = assertThrows(JsonInputException.class, () -> StrictJson.parseObject(utf8(body)));
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    void refusesAByteOrderMark() {
        byte[] body = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
        JsonInputException e = assertThrows(JsonInputException.class, () -> StrictJson.parseObject(body));
        assertTrue(e.getMessage().contains("byte order mark"));
    }

    @Test
    void refusesInvalidUtf8() {
        byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThrows(JsonInputException.class, () -> StrictJson.parseObject(body));
    }

    @Test
    void refusesDeepNesting() {
        String deep = "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        JsonInputException e = assertThrows(JsonInputException.class, () -> StrictJson.parseObject(utf8(deep)));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
    }

    @Test
    void namesThePointerOfAnUnsafeInteger() {
        JsonInputException e = assertThrows(JsonInputException.class,
                () -> StrictJson.parseObject(utf8("{\"parameters\":{\"rows\":[1,18014398509481984]}}")));
        assertTrue(e.getMessage().contains("/parameters/rows/1"), e.getMessage());
    }

    @Test
    void keepsNumbersAsTheCanonicalFormSeesThem() throws JsonInputException {
        var node = StrictJson.parseObject(utf8("{\"b\":4.50,\"a\":9007199254740991,\"c\":[1E30,0.1]}"));
        assertEquals("{\"a\":9007199254740991,\"b\":4.5,\"c\":[1e+30,0.1]}", Jcs.canonicalString(node));
    }
}
