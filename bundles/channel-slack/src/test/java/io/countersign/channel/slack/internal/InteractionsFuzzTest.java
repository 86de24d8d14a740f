package io.countersign.channel.slack.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.RequestView;
import io.countersign.api.testing.InMemoryDirectory;
import io.countersign.channel.slack.standin.Click;
import io.countersign.channel.slack.standin.ClickOptions;
import io.countersign.channel.slack.standin.PostedMessage;
import io.countersign.channel.slack.standin.SlackStandIn;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the interactivity endpoint with correctly signed callbacks, so every input gets past the signature
 * check to the parsing behind it: a genuine click's payload altered at random (values of every JSON type, huge
 * numbers, deep nesting, control characters, fields removed) and raw bodies that are not well-formed. Whatever
 * arrives, the answer is never a 5xx, every refusal is problem+json with a reason, and a vote is only ever counted
 * for the reviewer the directory maps the Slack user to, on the request the message was about.
 */
class InteractionsFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 20261207L);
    private static final int CALLBACKS = Integer.getInteger("fuzz.requests", 400);
    private static final String TOKEN = "xoxb-test-token";
    private static final String SECRET = "signing-secret-for-tests";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final FakeApprovals approvals = new FakeApprovals();
    private final InMemoryDirectory directory = new InMemoryDirectory(Requests.ALICE, Requests.BOB, Requests.CAROL);
    private SlackStandIn slack;
    private JettyHost host;
    private String url;

    @BeforeEach
    void start() throws Exception {
        slack = SlackStandIn.start(TOKEN);
        SlackSettings settings = new SlackSettings(slack.apiUrl(), TOKEN, SECRET, Set.of(SlackStandIn.TEAM_ID),
                Set.of(SlackStandIn.APP_ID), null, slack.responseUrlPrefix(), 65_536, WAIT);
        host = new JettyHost(SlackInteractions.PREFIX,
                new SlackInteractions(approvals, directory, settings, Clock.systemUTC()));
        url = host.url(SlackInteractions.PATH);
    }

    @AfterEach
    void stop() throws Exception {
        host.close();
        slack.close();
    }

    @Test
    void signedCallbacksWithAlteredPayloads_neverAnswer5xx_andCountOnlyGenuineVotes() throws Exception {
        RequestView view = approvals.add(Requests.pending());
        PostedMessage message;
        try (SlackWebApi api = new SlackWebApi(slack.apiUrl(), TOKEN, WAIT)) {
            String ts = api.postMessage(new DefaultExchange(new DefaultCamelContext()), "U0ALICE",
                    ReviewMessage.forReviewer(view, "reviewer", false, null, null)).path("ts").asText();
            message = slack.awaitMessage(m -> m.ts().equals(ts), WAIT);
        }
        Random random = new Random(SEED);
        int refused = 0;
        for (int i = 0; i < CALLBACKS; i++) {
            byte[] body;
            String described;
            if (random.nextInt(5) == 0) {
                String raw = rawBody(random);
                body = raw.getBytes(StandardCharsets.UTF_8);
                described = "raw body " + abbreviated(raw);
            } else {
                ObjectNode payload = slack.clickPayload(message, random.nextBoolean() ? "U0ALICE" : "U0BOB",
                        random.nextBoolean() ? "approve" : "deny");
                int mutations = 1 + random.nextInt(3);
                for (int m = 0; m < mutations; m++) {
                    mutate(payload, random);
                }
                String json = payload.toString();
                body = ("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.US_ASCII);
                described = "payload " + abbreviated(json);
            }
            Click click = slack.post(url, SECRET, body, "application/x-www-form-urlencoded", ClickOptions.defaults());
            assertTrue(click.status() < 500, "seed " + SEED + " #" + i + " answered " + click.status() + " to "
                    + described + ": " + click.responseBody());
            if (click.status() >= 400) {
                refused++;
                JsonNode problem = JSON.readTree(click.responseBody());
                assertEquals(click.status(), problem.path("status").asInt(), described);
                assertFalse(problem.path("reason").asText().isBlank(), "a stable reason for " + described);
            }
        }
        assertTrue(refused > CALLBACKS / 4, "the fuzzing reached the refusals: " + refused);
        for (FakeApprovals.ReviewCall review : approvals.reviews) {
            assertEquals(view.id(), review.requestId());
            assertTrue(Set.of("alice", "bob").contains(review.reviewer().id()), review.reviewer().id());
        }
    }

    private static String abbreviated(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    /** Replaces, removes or nests one node of the payload, picked at random among all of them. */
    private static void mutate(ObjectNode payload, Random random) {
        List<Map.Entry<JsonNode, Object>> slots = new ArrayList<>();
        collect(payload, slots);
        Map.Entry<JsonNode, Object> slot = slots.get(random.nextInt(slots.size()));
        JsonNode replacement = random.nextInt(6) == 0 ? null : randomValue(random);
        if (slot.getKey() instanceof ObjectNode object) {
            String field = (String) slot.getValue();
            if (replacement == null) {
                object.remove(field);
            } else {
                object.set(field, replacement);
            }
        } else if (slot.getKey() instanceof ArrayNode array) {
            int index = (Integer) slot.getValue();
            if (replacement == null) {
                array.remove(index);
            } else {
                array.set(index, replacement);
            }
        }
    }

    private static void collect(JsonNode node, List<Map.Entry<JsonNode, Object>> slots) {
        if (node instanceof ObjectNode object) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                slots.add(Map.entry(object, name));
                collect(object.get(name), slots);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                slots.add(Map.entry(array, i));
                collect(array.get(i), slots);
            }
        }
    }

    private static JsonNode randomValue(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextLong());
            case 3 -> NODES.numberNode(new java.math.BigDecimal("1E+999999"));
            case 4 -> NODES.textNode("");
            case 5 -> NODES.textNode("x".repeat(random.nextInt(20_000)));
            case 6 -> NODES.textNode("\u0000\r\nBcc: eve@example.org\u202e\ud800" + random.nextInt());
            case 7 -> NODES.textNode("U0ALICE");
            case 8 -> NODES.textNode("approve");
            case 9 -> NODES.arrayNode().add(NODES.objectNode()).add(NODES.nullNode());
            // deeper than Jackson writes (1,000): rawBody sends deeper nesting as text
            case 10 -> nested(random.nextInt(900));
            default -> NODES.objectNode().put("id", "T" + random.nextInt(1000)).put("type", "button");
        };
    }

    private static JsonNode nested(int depth) {
        JsonNode node = NODES.textNode("deep");
        for (int i = 0; i < depth; i++) {
            node = NODES.arrayNode().add(node);
        }
        return node;
    }

    private static String rawBody(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> "";
            case 1 -> "payload=";
            case 2 -> "payload=%zz%";
            case 3 -> "payload=" + URLEncoder.encode("{\"type\":\"block_actions\"", StandardCharsets.UTF_8);
            case 4 -> "payload=" + URLEncoder.encode("[1,2,3]", StandardCharsets.UTF_8) + "&payload=%7B%7D";
            case 5 -> "payload=" + URLEncoder.encode("{\"a\":1E+99999999999}", StandardCharsets.UTF_8);
            case 6 -> "payload=" + URLEncoder.encode("{\"type\":\"block_actions\",\"actions\":" + "[".repeat(5_000)
                    + "]".repeat(5_000) + "}", StandardCharsets.UTF_8);
            case 7 -> "&&&=&==" + random.nextInt();
            default -> "payload=" + URLEncoder.encode("\"just a string\"", StandardCharsets.UTF_8);
        };
    }
}
