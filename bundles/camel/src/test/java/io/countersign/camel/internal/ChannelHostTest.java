package io.countersign.camel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.JournalEntry;
import io.countersign.api.RequestView;
import io.countersign.api.notify.Notification;
import io.countersign.camel.ChannelRejectedException;
import io.countersign.camel.ChannelUnavailableException;
import io.countersign.camel.ReviewChannel;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Camel context: shared redelivery, Retry-After, the journaled dead letter, channels coming and going. */
class ChannelHostTest {

    /** A channel whose provider answers from a script: each step fails or accepts. */
    static final class ScriptedChannel implements ReviewChannel {
        final String name;
        final Deque<String> script = new ArrayDeque<>();
        final List<Long> attemptNanos = new CopyOnWriteArrayList<>();
        final List<Notification> accepted = new CopyOnWriteArrayList<>();

        ScriptedChannel(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String endpointUri() {
            return "direct:test-" + name;
        }

        @Override
        public RoutesBuilder routes() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    // Like a real channel, the route first turns the notification into the provider's message,
                    // and redelivery starts again at the step that failed.
                    from(endpointUri()).routeId("test-" + name)
                            .process(exchange -> exchange.getIn().setBody(new ProviderMessage(
                                    exchange.getIn().getBody(Notification.class))))
                            .process(ScriptedChannel.this::deliver);
                }
            };
        }

        private void deliver(Exchange exchange) throws Exception {
            attemptNanos.add(System.nanoTime());
            String step;
            synchronized (script) {
                step = script.isEmpty() ? "ok" : script.poll();
            }
            switch (step) {
                case "429" -> throw ChannelUnavailableException.retryAfter(exchange, Duration.ofSeconds(1),
                        "HTTP 429 Too Many Requests");
                case "503" -> throw new ChannelUnavailableException("HTTP 503", null);
                case "rejected" -> throw new ChannelRejectedException("invalid_auth");
                default -> {
                    accepted.add(exchange.getIn().getBody(ProviderMessage.class).notification());
                    exchange.getMessage().setBody(JsonNodeFactory.instance.objectNode().put("ts",
                            "1700000000." + accepted.size()));
                }
            }
        }
    }

    record ProviderMessage(Notification notification) {
    }

    @TempDir
    Path dir;

    private OutboxFixture fixture;
    private ChannelHost host;

    @BeforeEach
    void open() throws Exception {
        fixture = new OutboxFixture(dir);
        fixture.directory.setReviewers(List.of(OutboxFixture.ALICE, OutboxFixture.BOB));
        host = new ChannelHost(fixture.engine, fixture.directory, fixture.journal, config());
    }

    @AfterEach
    void close() throws Exception {
        host.deactivate();
        fixture.close();
    }

    private static ChannelHost.Config config() {
        return new ChannelHost.Config() {
            @Override
            public String[] order() {
                return new String[] {"slack", "email"};
            }

            @Override
            public int maximumRedeliveries() {
                return 3;
            }

            @Override
            public long redeliveryDelayMillis() {
                return 50;
            }

            @Override
            public long maximumRedeliveryDelayMillis() {
                return 200;
            }

            @Override
            public long maximumRetryAfterSeconds() {
                return 60;
            }

            @Override
            public long retentionHours() {
                return 1;
            }

            @Override
            public long remindAfterMinutes() {
                return 0;
            }

            @Override
            public long retryExhaustedAfterSeconds() {
                return 1;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return ChannelHost.Config.class;
            }
        };
    }

    private static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void a429IsWaitedOutForExactlyItsRetryAfterAndTheMessageIsDeliveredOnce() throws Exception {
        ScriptedChannel slack = new ScriptedChannel("slack");
        slack.script.add("429");
        host.bindChannel(slack);
        RequestView pending = fixture.submit();
        await(() -> fixture.entries(NotificationEntries.SENT).size() == 1, "bob's message is delivered");
        assertEquals(1, slack.accepted.size(), "delivered once");
        assertEquals(2, slack.attemptNanos.size());
        long waitedMillis = (slack.attemptNanos.get(1) - slack.attemptNanos.get(0)) / 1_000_000;
        assertTrue(waitedMillis >= 1000, "the second attempt waited out Retry-After: 1, not the 50 ms backoff ("
                + waitedMillis + " ms)");
        JournalEntry retrying = fixture.entries(NotificationEntries.RETRYING).get(0);
        assertEquals(1000, retrying.data().path("retryAfterMillis").asLong());
        assertTrue(retrying.data().path("error").asText().contains("429"), retrying.data().toString());
        assertEquals(pending.id(), fixture.entries(NotificationEntries.SENT).get(0).data().path("request").asText());
    }

    @Test
    void aProviderThatStaysDownIsRetriedWithBackoffThenDeadLetteredIntoTheJournal() throws Exception {
        ScriptedChannel slack = new ScriptedChannel("slack");
        for (int i = 0; i < 10; i++) {
            slack.script.add("503");
        }
        host.bindChannel(slack);
        fixture.submit();
        await(() -> fixture.entries(NotificationEntries.FAILED).size() == 1, "the failure is journaled");
        assertEquals(4, slack.attemptNanos.size(), "the first attempt and 3 redeliveries");
        assertEquals(3, fixture.entries(NotificationEntries.RETRYING).size());
        JournalEntry failed = fixture.entries(NotificationEntries.FAILED).get(0);
        assertEquals(4, failed.data().path("attempts").asInt());
        assertTrue(failed.data().path("error").asText().contains("503"));
        assertEquals("email", failed.data().path("fallback").asText(), "bob has an email address too");
        assertEquals(0, fixture.entries(NotificationEntries.SENT).size(), "email is not installed: it waits");
    }

    @Test
    void theChannelOrderIsACommaSeparatedValueOrAList() {
        assertEquals(List.of("slack", "teams", "email"),
                ChannelHost.channelOrder(new String[] {"slack, teams,email"}));
        assertEquals(List.of("email", "slack"), ChannelHost.channelOrder(new String[] {"email", "slack", "email"}));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ChannelHost.channelOrder(new String[] {" , "}));
    }

    @Test
    void aPermanentRejectionIsNotRetried() throws Exception {
        ScriptedChannel slack = new ScriptedChannel("slack");
        slack.script.add("rejected");
        ScriptedChannel email = new ScriptedChannel("email");
        host.bindChannel(slack);
        host.bindChannel(email);
        fixture.submit();
        await(() -> email.accepted.size() == 1, "bob is reached by email instead");
        assertEquals(1, slack.attemptNanos.size());
        assertEquals(0, fixture.entries(NotificationEntries.RETRYING).size());
    }

    @Test
    void aChannelRemovedAndAddedAgainDeliversWhatWaitedForIt() throws Exception {
        ScriptedChannel slack = new ScriptedChannel("slack");
        host.bindChannel(slack);
        host.unbindChannel(slack);
        fixture.submit();
        Thread.sleep(300);
        assertEquals(0, slack.attemptNanos.size(), "the route is gone");
        ScriptedChannel again = new ScriptedChannel("slack");
        host.bindChannel(again);
        await(() -> again.accepted.size() == 1, "the waiting notification is sent when the channel is back");
        await(() -> fixture.entries(NotificationEntries.SENT).size() == 1, "its delivery is journaled");
        assertEquals(1, again.accepted.size(), "sent once");
        assertEquals(0, fixture.entries(NotificationEntries.FAILED).size());
    }
}
