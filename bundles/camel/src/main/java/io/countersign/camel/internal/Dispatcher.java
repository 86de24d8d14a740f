package io.countersign.camel.internal;

import io.countersign.api.ApprovalService;
import io.countersign.api.Directory;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.Reviewer;
import io.countersign.api.Vote;
import io.countersign.api.notify.Delivery;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns requests that need review into notifications, one per eligible reviewer, on the first channel in the
 * configured order where the reviewer has a contact; falls back to the next channel when one fails for good, holds
 * notifications for a channel that is not installed until it is, and refreshes delivered messages as votes arrive
 * and when the request closes.
 * <p>
 * The outbox is a projection of the journal: pending requests come from the approval core, deliveries from
 * {@code notification.sent} entries, so after a restart exactly what was never delivered is sent. All state is
 * confined to one thread; a provider's answer comes back onto it.
 */
final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** One reviewer's message about one request. */
    private static final class Slot {
        final Reviewer reviewer;
        final Set<String> failedChannels = new HashSet<>();
        String channel;
        Delivery delivery;
        long shownVersion = -1;
        boolean inFlight;
        boolean held;
        boolean reminded;

        Slot(Reviewer reviewer) {
            this.reviewer = reviewer;
        }
    }

    private static final class Outbox {
        RequestView latest;
        final Map<String, Slot> slots = new LinkedHashMap<>();

        Outbox(RequestView latest) {
            this.latest = latest;
        }
    }

    private final ApprovalService approvals;
    private final Directory directory;
    private final Journal journal;
    private final Sender sender;
    private final List<String> channelOrder;
    private final Duration retention;
    private final Duration remindAfter;
    private final Duration retryExhaustedAfter;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final Map<String, Outbox> outboxes = new HashMap<>();
    /** Changes that arrived before the outbox was read back from the journal; applied right after. */
    private List<RequestView> beforeRecovery = new ArrayList<>();
    private final Map<String, List<Delivery>> deliveries = new ConcurrentHashMap<>();

    /** {@code remindAfter}: when a reviewer has not answered this long after being asked, remind them once. */
    Dispatcher(ApprovalService approvals, Directory directory, Journal journal, Sender sender,
               List<String> channelOrder, Duration retention, Duration remindAfter, Duration retryExhaustedAfter,
               Clock clock) {
        this.approvals = approvals;
        this.directory = directory;
        this.journal = journal;
        this.sender = sender;
        this.channelOrder = List.copyOf(channelOrder);
        this.retention = retention;
        this.remindAfter = remindAfter;
        this.retryExhaustedAfter = retryExhaustedAfter;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread worker = new Thread(runnable, "countersign-dispatcher");
            worker.setDaemon(true);
            return worker;
        });
    }

    /** Reads back what was delivered for the open requests, then sends what is missing. */
    void start() {
        thread.execute(this::recover);
    }

    void stop() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void changed(RequestView view) {
        thread.execute(() -> {
            if (beforeRecovery != null) {
                beforeRecovery.add(view);
            } else {
                reconcile(view);
            }
        });
    }

    void channelAvailable(String channel) {
        thread.execute(() -> {
            for (Outbox outbox : List.copyOf(outboxes.values())) {
                for (Slot slot : outbox.slots.values()) {
                    if (slot.held && channel.equals(slot.channel)) {
                        slot.held = false;
                    }
                }
                reconcile(outbox.latest);
            }
        });
    }

    List<Delivery> deliveries(String requestId) {
        List<Delivery> list = deliveries.get(requestId);
        return list == null ? List.of() : List.copyOf(list);
    }

    /** Completes once every task queued before it has run: for tests. */
    void drain() throws InterruptedException {
        try {
            thread.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private void recover() {
        List<RequestView> open = approvals.pending();
        if (!open.isEmpty()) {
            recover(open);
        }
        List<RequestView> arrived = beforeRecovery;
        beforeRecovery = null;
        arrived.forEach(this::reconcile);
    }

    private void recover(List<RequestView> open) {
        // Only the open requests' deliveries, found through the core's index of entries naming a request: the
        // journal is not read from the oldest open request on, which is usually most of it.
        Map<String, List<JournalEntry>> sent = new HashMap<>();
        for (RequestView view : open) {
            for (long seq : approvals.mentions(view.id())) {
                for (JournalEntry entry : journal.read(seq, 1)) {
                    if (NotificationEntries.SENT.equals(entry.type())) {
                        sent.computeIfAbsent(view.id(), id -> new ArrayList<>()).add(entry);
                    }
                }
            }
        }
        for (RequestView view : open) {
            Outbox outbox = new Outbox(view);
            outboxes.put(view.id(), outbox);
            for (JournalEntry entry : sent.getOrDefault(view.id(), List.of())) {
                Delivery delivery = NotificationEntries.delivery(entry.data());
                deliveries.computeIfAbsent(view.id(), id -> new CopyOnWriteArrayList<>()).add(delivery);
                Reviewer reviewer = directory.reviewer(delivery.reviewer()).orElse(null);
                if (reviewer == null) {
                    continue;
                }
                Slot slot = outbox.slots.computeIfAbsent(reviewer.id(), id -> new Slot(reviewer));
                slot.channel = delivery.channel();
                if (delivery.kind() != NotificationKind.UPDATE) {
                    slot.delivery = delivery;
                }
                slot.reminded |= delivery.kind() == NotificationKind.REMINDER;
                slot.shownVersion = Math.max(slot.shownVersion, NotificationEntries.version(entry.data()));
            }
            for (Slot slot : outbox.slots.values()) {
                if (slot.delivery != null && !slot.reminded) {
                    scheduleReminder(view.id(), slot, slot.delivery.at());
                }
            }
            reconcile(view);
        }
        LOG.info("notification outbox recovered: {} open requests", open.size());
    }

    private void reconcile(RequestView view) {
        Outbox outbox = outboxes.get(view.id());
        if (outbox == null) {
            if (view.status() != RequestStatus.PENDING || view.decision().route() == null) {
                return;
            }
            outbox = new Outbox(view);
            outboxes.put(view.id(), outbox);
        } else if (view.version() > outbox.latest.version()) {
            outbox.latest = view;
        }
        RequestView latest = outbox.latest;
        if (latest.status() == RequestStatus.PENDING) {
            for (Reviewer reviewer : eligibleReviewers(latest)) {
                outbox.slots.computeIfAbsent(reviewer.id(), id -> new Slot(reviewer));
            }
        }
        boolean settled = true;
        for (Slot slot : outbox.slots.values()) {
            if (slot.inFlight) {
                settled = false;
            } else if (slot.delivery == null) {
                if (latest.status() == RequestStatus.PENDING) {
                    sendReview(outbox, slot);
                    settled &= !slot.inFlight && !slot.held;
                }
            } else if (slot.shownVersion < latest.version() && !slot.held) {
                send(outbox, slot, NotificationKind.UPDATE);
                settled = false;
            } else if (slot.held) {
                settled = false;
            }
        }
        if (latest.status().isTerminal() && settled) {
            outboxes.remove(latest.id());
            thread.schedule(() -> deliveries.remove(latest.id()), retention.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Every channel failed for this reviewer: an outage longer than the redeliveries must not lose the notification,
     * so the reviewer's channels are tried again from the first while the request is open.
     */
    private void startOver(String requestId, Slot slot) {
        Outbox outbox = outboxes.get(requestId);
        if (outbox == null || outbox.slots.get(slot.reviewer.id()) != slot || slot.delivery != null
                || slot.inFlight || outbox.latest.status() != RequestStatus.PENDING) {
            return;
        }
        slot.failedChannels.clear();
        slot.channel = null;
        slot.shownVersion = -1;
        reconcile(outbox.latest);
    }

    private void scheduleReminder(String requestId, Slot slot, Instant askedAt) {
        if (remindAfter.isZero() || remindAfter.isNegative()) {
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), askedAt.plus(remindAfter)).toMillis());
        thread.schedule(() -> remind(requestId, slot), delay, TimeUnit.MILLISECONDS);
    }

    /** Reminds a reviewer who has not answered, once, while the request is still open. */
    private void remind(String requestId, Slot slot) {
        Outbox outbox = outboxes.get(requestId);
        if (outbox == null || outbox.slots.get(slot.reviewer.id()) != slot || slot.reminded) {
            return;
        }
        RequestView latest = outbox.latest;
        boolean answered = latest.votes().stream().anyMatch(vote -> vote.reviewer().equals(slot.reviewer.id()));
        if (latest.status() != RequestStatus.PENDING || answered || slot.delivery == null
                || !clock.instant().isBefore(latest.deadline())) {
            return;
        }
        if (slot.inFlight || slot.held) {
            // Busy with an update, or its channel is away: remind a little later instead of never.
            thread.schedule(() -> remind(requestId, slot), 5, TimeUnit.SECONDS);
            return;
        }
        slot.reminded = true;
        send(outbox, slot, NotificationKind.REMINDER);
    }

    private List<Reviewer> eligibleReviewers(RequestView view) {
        List<String> groups = view.eligibleGroups();
        Set<String> excluded = new HashSet<>();
        excluded.add(view.request().action().requester());
        excluded.addAll(view.request().action().onBehalfOf());
        excluded.addAll(view.agent().actsFor());
        view.votes().stream().map(Vote::reviewer).forEach(excluded::add);
        return directory.reviewersIn(groups).stream().filter(r -> !excluded.contains(r.id())).toList();
    }

    private void sendReview(Outbox outbox, Slot slot) {
        if (slot.held) {
            return;
        }
        if (slot.channel == null || slot.failedChannels.contains(slot.channel)) {
            slot.channel = nextChannel(slot, outbox.latest);
            if (slot.channel == null) {
                if (slot.failedChannels.isEmpty()) {
                    journal.append(NotificationEntries.UNREACHABLE, NotificationEntries.unreachable(
                            outbox.latest.id(), slot.reviewer.id(), "the reviewer has no contact on any of the"
                                    + " channels " + channelOrder, clock.instant()));
                }
                slot.failedChannels.add("(none)");
                slot.delivery = null;
                slot.shownVersion = Long.MAX_VALUE;
                return;
            }
        }
        send(outbox, slot, NotificationKind.REVIEW);
    }

    /** The first channel in the configured order that the request's route allows and the reviewer can be reached on. */
    private String nextChannel(Slot slot, RequestView view) {
        for (String channel : channelOrder) {
            if (view.decision().route().allowsChannel(channel) && slot.reviewer.contact(channel) != null
                    && !slot.failedChannels.contains(channel)) {
                return channel;
            }
        }
        return null;
    }

    private void send(Outbox outbox, Slot slot, NotificationKind kind) {
        if (!sender.isAvailable(slot.channel)) {
            slot.held = true;
            return;
        }
        RequestView view = outbox.latest;
        String address = kind == NotificationKind.UPDATE ? slot.delivery.address()
                : slot.reviewer.contact(slot.channel);
        Notification notification = new Notification(UUID.randomUUID().toString(), kind, slot.channel, address,
                slot.reviewer, view, kind == NotificationKind.UPDATE ? slot.delivery : null);
        slot.inFlight = true;
        sender.send(notification).whenComplete((result, failure) -> thread.execute(() -> completed(outbox, slot,
                notification, failure == null ? result : new Sender.Failed(0, String.valueOf(failure)))));
    }

    private void completed(Outbox outbox, Slot slot, Notification notification, Sender.Result result) {
        slot.inFlight = false;
        Instant now = clock.instant();
        if (result instanceof Sender.Delivered delivered) {
            journal.append(NotificationEntries.SENT, NotificationEntries.sent(notification, delivered.reference(), now));
            Delivery delivery = new Delivery(notification.id(), notification.view().id(), notification.channel(),
                    notification.address(), notification.reviewer().id(), notification.kind(),
                    delivered.reference(), now);
            deliveries.computeIfAbsent(delivery.requestId(), id -> new CopyOnWriteArrayList<>()).add(delivery);
            if (notification.kind() != NotificationKind.UPDATE) {
                // Later updates refresh the newest message: after a reminder, that is the reminder.
                slot.delivery = delivery;
            }
            if (notification.kind() == NotificationKind.REVIEW) {
                scheduleReminder(delivery.requestId(), slot, now);
            }
            slot.shownVersion = Math.max(slot.shownVersion, notification.view().version());
        } else {
            Sender.Failed failed = (Sender.Failed) result;
            if (!sender.isAvailable(notification.channel())) {
                // Uninstalled while the message was on its way: hold it for when the channel is back.
                slot.held = true;
                LOG.info("channel {} went away with notification {} in flight; holding it", notification.channel(),
                        notification.id());
            } else if (notification.kind() != NotificationKind.REVIEW) {
                // A failed update or reminder leaves the delivered message, and the channel it is on, as they were.
                journal.append(NotificationEntries.FAILED, NotificationEntries.failed(notification, failed.attempts(),
                        failed.error(), null, now));
                if (notification.kind() == NotificationKind.UPDATE) {
                    slot.shownVersion = Math.max(slot.shownVersion, notification.view().version());
                }
            } else {
                slot.failedChannels.add(notification.channel());
                String fallback = nextChannel(slot, notification.view());
                journal.append(NotificationEntries.FAILED, NotificationEntries.failed(notification, failed.attempts(),
                        failed.error(), fallback, now));
                slot.channel = fallback;
                if (fallback == null) {
                    LOG.error("no channel could deliver request {} to reviewer {}: {}; trying again in {}",
                            notification.view().id(), slot.reviewer.id(), failed.error(), retryExhaustedAfter);
                    slot.shownVersion = Long.MAX_VALUE;
                    slot.failedChannels.add("(none)");
                    thread.schedule(() -> startOver(notification.view().id(), slot),
                            retryExhaustedAfter.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
        Outbox current = outboxes.get(notification.view().id());
        if (current != null) {
            reconcile(current.latest);
        }
    }
}
