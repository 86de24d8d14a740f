package io.countersign.camel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.JournalEntry;
import io.countersign.api.RequestListener;
import io.countersign.api.RequestView;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DispatcherTest {

    /** Delivers instantly, or fails channels it is told to fail, and records what it was given. */
    static final class FakeSender implements Sender {
        final List<Notification> sent = new CopyOnWriteArrayList<>();
        final Set<String> installed = ConcurrentHashMap.newKeySet();
        final Set<String> failing = ConcurrentHashMap.newKeySet();
        final AtomicInteger ts = new AtomicInteger();

        FakeSender(String... channels) {
            installed.addAll(List.of(channels));
        }

        @Override
        public boolean isAvailable(String channel) {
            return installed.contains(channel);
        }

        @Override
        public CompletionStage<Result> send(Notification notification) {
            sent.add(notification);
            if (failing.contains(notification.channel())) {
                return CompletableFuture.completedFuture(new Failed(6, "HTTP 503 from the provider"));
            }
            return CompletableFuture.completedFuture(new Delivered(JsonNodeFactory.instance.objectNode()
                    .put("ts", "1700000000." + ts.incrementAndGet())));
        }

        List<Notification> of(NotificationKind kind) {
            return sent.stream().filter(n -> n.kind() == kind).toList();
        }
    }

    @TempDir
    Path dir;

    private OutboxFixture fixture;
    private FakeSender sender;
    private Dispatcher dispatcher;
    private RequestListener listener;

    @BeforeEach
    void open() throws Exception {
        fixture = new OutboxFixture(dir);
        sender = new FakeSender("slack", "email");
    }

    @AfterEach
    void close() {
        stopDispatcher();
        fixture.close();
    }

    private void startDispatcher() {
        startDispatcher(Duration.ZERO);
    }

    private void startDispatcher(Duration remindAfter) {
        dispatcher = new Dispatcher(fixture.engine, fixture.directory, fixture.journal, sender,
                List.of("slack", "teams", "email"), Duration.ofHours(1), remindAfter, Duration.ofMillis(200),
                Clock.systemUTC());
        listener = dispatcher::changed;
        fixture.engine.addListener(listener);
        dispatcher.start();
    }

    private void stopDispatcher() {
        if (dispatcher != null) {
            fixture.engine.removeListener(listener);
            dispatcher.stop();
            dispatcher = null;
        }
    }

    /** Lets the dispatcher finish, then waits until what it journaled is durable (the journal acknowledges in order). */
    private void settle() throws Exception {
        for (int i = 0; i < 3; i++) {
            dispatcher.drain();
        }
        fixture.journal.append("test.marker", JsonNodeFactory.instance.objectNode()).get();
    }

    private Map<String, String> channelByReviewer(List<Notification> notifications) {
        return notifications.stream().collect(java.util.stream.Collectors.toMap(n -> n.reviewer().id(),
                Notification::channel));
    }

    @Test
    void eachEligibleReviewerIsAskedOnTheirFirstChannelAndTheDeliveryIsJournaled() throws Exception {
        startDispatcher();
        RequestView pending = fixture.submit();
        settle();
        List<Notification> reviews = sender.of(NotificationKind.REVIEW);
        assertEquals(Map.of("bob", "slack", "carol", "email"), channelByReviewer(reviews),
                "alice is the human the agent acts for: she is never asked");
        assertEquals("UBOB", reviews.stream().filter(n -> n.reviewer().id().equals("bob")).findFirst()
                .orElseThrow().address());
        List<JournalEntry> sent = fixture.entries(NotificationEntries.SENT);
        assertEquals(2, sent.size());
        assertEquals(pending.id(), sent.get(0).data().path("request").asText());
        assertTrue(sent.get(0).data().path("reference").path("ts").asText().startsWith("1700000000."));
        assertEquals(2, dispatcher.deliveries(pending.id()).size());
    }

    @Test
    void aChannelThatFailsForGoodFallsBackToTheReviewersNextChannel() throws Exception {
        sender.failing.add("slack");
        startDispatcher();
        fixture.submit();
        settle();
        List<Notification> toBob = sender.of(NotificationKind.REVIEW).stream()
                .filter(n -> n.reviewer().id().equals("bob")).toList();
        assertEquals(List.of("slack", "email"), toBob.stream().map(Notification::channel).toList());
        JournalEntry failed = fixture.entries(NotificationEntries.FAILED).get(0);
        assertEquals("slack", failed.data().path("channel").asText());
        assertEquals("email", failed.data().path("fallback").asText());
        assertEquals(6, failed.data().path("attempts").asInt());
        assertEquals(List.of("email", "email"), fixture.entries(NotificationEntries.SENT).stream()
                .map(e -> e.data().path("channel").asText()).toList());
    }

    @Test
    void whenEveryChannelHasFailedTheReviewersChannelsAreTriedAgainLater_nothingIsLost() throws Exception {
        sender.failing.add("slack");
        sender.failing.add("email");
        startDispatcher();
        RequestView pending = fixture.submit();
        settle();
        assertEquals(0, dispatcher.deliveries(pending.id()).size());
        sender.failing.clear();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (dispatcher.deliveries(pending.id()).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(Map.of("bob", "slack", "carol", "email"), dispatcher.deliveries(pending.id()).stream()
                .collect(java.util.stream.Collectors.toMap(d -> d.reviewer(), d -> d.channel())),
                "after the outage each reviewer is reached on their first channel again");
    }

    @Test
    void aReviewerWithNoContactIsJournaledAsUnreachable() throws Exception {
        fixture.directory.setReviewers(List.of(OutboxFixture.ALICE, OutboxFixture.BOB, OutboxFixture.DAN));
        startDispatcher();
        fixture.submit();
        settle();
        List<JournalEntry> unreachable = fixture.entries(NotificationEntries.UNREACHABLE);
        assertEquals(1, unreachable.size());
        assertEquals("dan", unreachable.get(0).data().path("reviewer").asText());
    }

    @Test
    void notificationsForAChannelThatIsNotInstalledWaitForItAndAreThenSentOnce() throws Exception {
        sender.installed.remove("email");
        startDispatcher();
        RequestView pending = fixture.submit();
        settle();
        assertEquals(List.of("bob"), sender.of(NotificationKind.REVIEW).stream().map(n -> n.reviewer().id())
                .toList(), "carol's email waits: it does not fall back");
        sender.installed.add("email");
        dispatcher.channelAvailable("email");
        settle();
        assertEquals(Map.of("bob", "slack", "carol", "email"), channelByReviewer(sender.of(NotificationKind.REVIEW)));
        assertEquals(0, fixture.entries(NotificationEntries.FAILED).size());
        assertEquals(2, dispatcher.deliveries(pending.id()).size());
    }

    @Test
    void votesAndTheOutcomeRefreshTheDeliveredMessages() throws Exception {
        fixture.directory.setReviewers(List.of(OutboxFixture.ALICE, OutboxFixture.BOB, OutboxFixture.CAROL,
                new io.countersign.api.Reviewer("erin", Set.of("data-owners"), Map.of("slack", "UERIN"))));
        startDispatcher();
        RequestView pending = fixture.submit();
        settle();
        fixture.approve(OutboxFixture.BOB, pending.id());
        settle();
        fixture.approve(OutboxFixture.CAROL, pending.id());
        settle();
        List<Notification> updates = sender.of(NotificationKind.UPDATE);
        Notification last = updates.get(updates.size() - 1);
        assertEquals("approved", last.view().status().wireName());
        assertTrue(updates.stream().anyMatch(n -> n.reviewer().id().equals("erin")
                        && n.view().status().wireName().equals("approved")),
                "erin, who never voted, sees the outcome on her message: " + updates);
        assertEquals(last.previous().reference(), dispatcher.deliveries(pending.id()).stream()
                .filter(d -> d.notificationId().equals(last.previous().notificationId())).findFirst().orElseThrow()
                .reference(), "an update names the message it refreshes");
    }

    @Test
    void aReviewerWhoHasNotAnsweredIsRemindedOnceAndOnlyThem() throws Exception {
        startDispatcher(Duration.ofMillis(300));
        RequestView pending = fixture.submit();
        settle();
        fixture.approve(OutboxFixture.BOB, pending.id());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sender.of(NotificationKind.REMINDER).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(500);
        settle();
        List<Notification> reminders = sender.of(NotificationKind.REMINDER);
        assertEquals(List.of("carol"), reminders.stream().map(n -> n.reviewer().id()).toList(),
                "bob answered; carol is reminded exactly once");
        assertEquals("reminder", fixture.entries(NotificationEntries.SENT).stream()
                .filter(e -> e.data().path("reviewer").asText().equals("carol"))
                .reduce((a, b) -> b).orElseThrow().data().path("kind").asText());
    }

    @Test
    void aFailedReminderLeavesTheMessageOnItsChannel_andTheOutcomeStillReachesIt() throws Exception {
        startDispatcher(Duration.ofMillis(200));
        RequestView pending = fixture.submit();
        settle();
        sender.failing.add("slack");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sender.of(NotificationKind.REMINDER).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        settle();
        sender.failing.clear();
        fixture.approve(OutboxFixture.CAROL, pending.id());
        fixture.approve(new io.countersign.api.Reviewer("erin", Set.of("data-owners")), pending.id());
        settle();
        settle();
        List<Notification> toBob = sender.sent.stream().filter(n -> n.reviewer().id().equals("bob")).toList();
        Notification last = toBob.get(toBob.size() - 1);
        assertEquals(NotificationKind.UPDATE, last.kind());
        assertEquals("slack", last.channel(), "bob's Slack message is updated, not an email sent to a Slack id");
        assertEquals("approved", last.view().status().wireName());
    }

    @Test
    void afterARestartOnlyWhatWasNeverDeliveredIsSent() throws Exception {
        sender.installed.remove("email");
        startDispatcher();
        RequestView pending = fixture.submit();
        settle();
        stopDispatcher();
        fixture.restart();
        sender = new FakeSender("slack", "email");
        startDispatcher();
        settle();
        assertEquals(List.of("carol"), sender.of(NotificationKind.REVIEW).stream().map(n -> n.reviewer().id())
                .toList(), "bob's slack message was journaled before the restart and is not sent again");
        assertEquals(2, dispatcher.deliveries(pending.id()).size());
    }

    @Test
    void theRoutesChannelsAreTheOnlyOnesUsed_andAnEscalatedGroupIsAskedWhenItsStepComes() throws Exception {
        io.countersign.api.Reviewer erin = new io.countersign.api.Reviewer("erin", Set.of("security"),
                Map.of("slack", "UERIN", "email", "erin@example.com"));
        fixture.directory.setReviewers(List.of(OutboxFixture.ALICE, OutboxFixture.BOB, OutboxFixture.CAROL, erin));
        fixture.route = new io.countersign.api.ReviewRoute(List.of(new io.countersign.api.GroupQuorum("data-owners",
                1)), Duration.ofMinutes(10), 1, List.of(new io.countersign.api.Escalation(Duration.ofMillis(300),
                "security")), List.of("email"));
        startDispatcher();
        RequestView pending = fixture.submit();
        settle();
        // email only: Bob, whose first channel is Slack, is asked by email; Erin is not asked before her step
        assertEquals(Map.of("bob", "email", "carol", "email"), channelByReviewer(sender.of(NotificationKind.REVIEW)));

        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sender.of(NotificationKind.REVIEW).size() < 3 && System.nanoTime() < until) {
            Thread.sleep(50);
            dispatcher.drain();
        }
        assertEquals(Map.of("bob", "email", "carol", "email", "erin", "email"),
                channelByReviewer(sender.of(NotificationKind.REVIEW)));
        assertEquals(1, fixture.engine.find(pending.id()).orElseThrow().escalationLevel());
    }
}
