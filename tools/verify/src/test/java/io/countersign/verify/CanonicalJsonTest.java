package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"a\":1,\"b\":[true,false,null],\"c\":{\"\":\"x\"}}",
            "{\"a\":\"\\u001f\\n\\\"\\\\\",\"b\":\"é€😂\"}",
            "{\"\\n\":1,\"a\":2}",
            "[1.5,-0.25,1e+30,0.000001,1e-7]",
            "{\"€\":1,\"😂\":2,\"\uFB33\":3}"})
    void acceptsCanonicalJson(String json) {
        assertNull(CanonicalJson.deviation(json.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"a\": 1}| byte 5: ",
            "{\"b\":1,\"a\":2}| not in strictly ascending order",
            "{\"a\":1,\"a\":2}| not in strictly ascending order",
            "{\"a\":\"\\/\"}| never writes",
            "{\"a\":\"\\u0041\"}| must be written as itself",
            "{\"a\":\"\\u000a\"}| two-character escape",
            "{\"a\":\"\\u001F\"}| lower-case hex",
            "{\"a\":1.0}| is written 1",
            "{\"a\":-0}| -0 is written 0",
            "{\"a\":1E3}| is written 1000",
            "{\"a\":01}| expected '}'",
            "{\"a\":1}x| after the end",
            "{\"\uFB33\":1,\"😂\":2}| not in strictly ascending order"})
    void rejectsAnythingElse_sayingWhere(String json, String reason) {
        String deviation = CanonicalJson.deviation(json.getBytes(StandardCharsets.UTF_8));
        assertTrue(deviation != null && deviation.contains(reason.strip()), json + " -> " + deviation);
    }

    @ParameterizedTest
    @ValueSource(strings = {"c0 80", "ed a0 80", "f4 90 80 80", "e2 82", "ff"})
    void rejectsInvalidUtf8(String hex) {
        byte[] inner = java.util.HexFormat.ofDelimiter(" ").parseHex(hex);
        byte[] json = new byte[inner.length + 2];
        json[0] = '"';
        System.arraycopy(inner, 0, json, 1, inner.length);
        json[json.length - 1] = '"';
        assertTrue(CanonicalJson.deviation(json).contains("UTF-8"), hex);
    }
}
