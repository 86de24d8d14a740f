package io.countersign.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.countersign.api.Action;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActionDigestTest {

    private static Action action(String parametersJson) throws JsonInputException {
        return new Action("data.export", "warehouse.customers", StrictJson.parseObject(
                parametersJson.getBytes(StandardCharsets.UTF_8)), "production", "etl-agent", List.of("alice"));
    }

    @Test
    void digestIsSha256OfTheCanonicalForm() throws JsonInputException {
        Action action = action("{\"rows\":5000,\"containsPii\":true}");
        String canonical = "{\"action\":\"data.export\",\"environment\":\"production\",\"onBehalfOf\":[\"alice\"],"
                + "\"parameters\":{\"containsPii\":true,\"rows\":5000},\"requester\":\"etl-agent\","
                + "\"resource\":\"warehouse.customers\"}";
        String expected = "sha256:" + java.util.HexFormat.of().formatHex(
                ActionDigest.sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, ActionDigest.of(action));
    }

    @Test
    void memberOrderAndWhitespaceDoNotChangeTheDigest() throws JsonInputException {
        assertEquals(ActionDigest.of(action("{\"rows\":5000,\"containsPii\":true}")),
                ActionDigest.of(action("{ \"containsPii\" : true , \"rows\" : 5000.0 }")));
    }

    @Test
    void anyEditChangesTheDigest() throws JsonInputException {
        assertNotEquals(ActionDigest.of(action("{\"rows\":5000}")), ActionDigest.of(action("{\"rows\":5001}")));
    }
}
