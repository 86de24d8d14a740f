package io.countersign.policy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActionFactTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void exposesTheRequestAndTheAgent() throws Exception {
        ActionFact fact = fact("data.export", "production", "{\"rows\": 12, \"containsPii\": true}");
        assertEquals("data.export", fact.getAction());
        assertEquals("warehouse.customers", fact.getResource());
        assertEquals("production", fact.getEnvironment());
        assertEquals("agent-7", fact.getRequester());
        assertEquals(List.of("alice"), fact.getOnBehalfOf());
        assertEquals(List.of("alice", "bob"), fact.getAgentActsFor());
        assertEquals("quarterly report", fact.getJustification());
        assertEquals(22, fact.getHourOfDayUtc());
        assertEquals(12, fact.getRows());
        assertTrue(fact.isContainsPii());
        assertTrue(fact.isProduction());
    }

    @Test
    void parametersBecomePlainJavaValues() throws Exception {
        Map<String, Object> p = fact("x", "staging",
                "{\"n\": 5, \"big\": 12345678901234567890, \"d\": 1.5, \"s\": \"t\", \"b\": false, \"z\": null,"
                        + " \"list\": [1, \"a\"], \"obj\": {\"k\": 2}}").getParameters();
        assertEquals(5L, p.get("n"));
        assertEquals(1.2345678901234567E19, p.get("big"));
        assertEquals(1.5, p.get("d"));
        assertEquals("t", p.get("s"));
        assertEquals(false, p.get("b"));
        assertTrue(p.containsKey("z"));
        assertEquals(null, p.get("z"));
        assertEquals(List.of(1L, "a"), p.get("list"));
        assertEquals(Map.of("k", 2L), p.get("obj"));
        assertThrows(UnsupportedOperationException.class, () -> p.put("n", 6L));
    }

    @Test
    void rowsIsMinusOneUnlessItIsACount() throws Exception {
        assertEquals(-1, fact("x", "staging", "{}").getRows());
        assertEquals(-1, fact("x", "staging", "{\"rows\": \"many\"}").getRows());
        assertEquals(-1, fact("x", "staging", "{\"rows\": -5}").getRows());
        assertEquals(-1, fact("x", "staging", "{\"rows\": true}").getRows());
        assertEquals(0, fact("x", "staging", "{\"rows\": 0}").getRows());
        assertEquals(20000, fact("x", "staging", "{\"rows\": \" 20000 \"}").getRows());
        assertEquals(10001, fact("x", "staging", "{\"rows\": 10000.2}").getRows(), "rounded up");
    }

    @Test
    void containsPiiOnlyWhenSaidSo() throws Exception {
        assertFalse(fact("x", "staging", "{}").isContainsPii());
        assertFalse(fact("x", "staging", "{\"containsPii\": false}").isContainsPii());
        assertFalse(fact("x", "staging", "{\"containsPii\": 1}").isContainsPii());
        assertTrue(fact("x", "staging", "{\"containsPii\": \"TRUE\"}").isContainsPii());
    }

    @Test
    void onlyKnownNonProductionEnvironmentsAreNotProduction() throws Exception {
        assertFalse(fact("x", "staging", "{}").isProduction());
        assertFalse(fact("x", "development", "{}").isProduction());
        assertTrue(fact("x", "production", "{}").isProduction());
        assertTrue(fact("x", "Staging", "{}").isProduction());
        assertTrue(fact("x", "qa", "{}").isProduction());
    }

    @Test
    void decisionMethodsRecordRulingsAndTheShortestDeadline() throws Exception {
        ActionFact fact = fact("x", "staging", "{}");
        assertEquals(Optional.empty(), fact.requestedDeadline());
        fact.allow("ok");
        fact.review("security", 2, "look");
        fact.deny("no");
        fact.deadline("PT4H");
        fact.deadline("PT30M");
        fact.deadline("PT2H");
        assertEquals(List.of(new ActionFact.Ruling(Outcome.ALLOW, "ok", null, 0),
                new ActionFact.Ruling(Outcome.REVIEW, "look", "security", 2),
                new ActionFact.Ruling(Outcome.DENY, "no", null, 0)), fact.rulings());
        assertEquals(Optional.of(Duration.ofMinutes(30)), fact.requestedDeadline());
    }

    @Test
    void decisionMethodsRejectNonsense() throws Exception {
        ActionFact fact = fact("x", "staging", "{}");
        assertThrows(IllegalArgumentException.class, () -> fact.allow(" "));
        assertThrows(IllegalArgumentException.class, () -> fact.deny(null));
        assertThrows(IllegalArgumentException.class, () -> fact.review("", 1, "r"));
        assertThrows(IllegalArgumentException.class, () -> fact.review("security", 0, "r"));
        assertThrows(IllegalArgumentException.class, () -> fact.deadline("1h"));
        assertThrows(IllegalArgumentException.class, () -> fact.deadline("PT0S"));
        assertThrows(IllegalArgumentException.class, () -> fact.deadline("-PT1H"));
        assertTrue(fact.rulings().isEmpty());
    }

    private static ActionFact fact(String action, String environment, String parameters) throws Exception {
        Action body = new Action(action, "warehouse.customers", (ObjectNode) JSON.readTree(parameters), environment,
                "agent-7", List.of("alice"));
        ActionRequest request = new ActionRequest("r1", body, "quarterly report", "sha256:00",
                Instant.parse("2025-03-04T22:59:59Z"), null);
        return new ActionFact(request, new Agent("agent-7", List.of("alice", "bob")));
    }
}
