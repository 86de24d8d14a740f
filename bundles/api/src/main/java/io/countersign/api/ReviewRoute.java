package io.countersign.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Who must review a request and how long they have.
 *
 * @param quorums approvals needed per eligible group; a reviewer counts for one group at most
 * @param timeout how long after receipt the request stays open; at the deadline it expires (a denial)
 * @param denialsToReject how many denials from eligible reviewers deny the request
 * @param escalations the escalation ladder, earliest step first; every step comes before the timeout
 * @param channels the channels reviewers are asked on, in the configured order of preference; empty means every
 *                 configured channel
 * @param stepUp   an approval counts only with a passkey assertion bound to the request and its action digest
 *                 ({@link StepUp}); denials need none
 */
public record ReviewRoute(List<GroupQuorum> quorums, Duration timeout, int denialsToReject,
                          List<Escalation> escalations, List<String> channels, boolean stepUp) {
    public ReviewRoute {
        quorums = List.copyOf(quorums);
        Objects.requireNonNull(timeout, "timeout");
        if (quorums.isEmpty()) {
            throw new IllegalArgumentException("a review route names at least one group");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a review timeout must be positive");
        }
        if (denialsToReject < 1) {
            throw new IllegalArgumentException("denialsToReject must be at least 1");
        }
        List<Escalation> ladder = new ArrayList<>(escalations);
        ladder.sort(Comparator.comparing(Escalation::after));
        for (Escalation step : ladder) {
            if (step.after().compareTo(timeout) >= 0) {
                throw new IllegalArgumentException("escalation to " + step.group() + " after " + step.after()
                        + " comes at or after the review timeout " + timeout + " and could never happen");
            }
        }
        escalations = List.copyOf(ladder);
        channels = List.copyOf(new LinkedHashSet<>(channels));
    }

    /** A route without step-up. */
    public ReviewRoute(List<GroupQuorum> quorums, Duration timeout, int denialsToReject,
                       List<Escalation> escalations, List<String> channels) {
        this(quorums, timeout, denialsToReject, escalations, channels, false);
    }

    /** A route without escalation, on every channel. */
    public ReviewRoute(List<GroupQuorum> quorums, Duration timeout, int denialsToReject) {
        this(quorums, timeout, denialsToReject, List.of(), List.of(), false);
    }

    /** The groups asked once the first {@code escalationLevel} steps have happened: the route's, then the steps'. */
    public List<String> groupsAt(int escalationLevel) {
        LinkedHashSet<String> groups = new LinkedHashSet<>();
        quorums.forEach(q -> groups.add(q.group()));
        for (int i = 0; i < Math.min(escalationLevel, escalations.size()); i++) {
            groups.add(escalations.get(i).group());
        }
        return List.copyOf(groups);
    }

    /** Whether reviewers may be asked on {@code channel}. */
    public boolean allowsChannel(String channel) {
        return channels.isEmpty() || channels.contains(channel);
    }
}
