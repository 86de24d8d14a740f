package io.countersign.core.internal;

import io.countersign.api.GroupQuorum;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whether the approvals so far meet a route. Each approver fills at most one seat, and only a seat of a group
 * they belong to: "one from data-owners and one from security" is never met by one person in both groups. Seats are
 * filled by maximum bipartite matching, so the order in which votes arrive never matters.
 */
final class Quorum {

    private Quorum() {
    }

    /**
     * @param escalationLevel how many escalation steps have happened: an approver in one of those steps' groups may
     *                        fill any seat
     */
    static boolean isMet(ReviewRoute route, List<Vote> votes, int escalationLevel) {
        java.util.Set<String> anySeat = new java.util.HashSet<>();
        for (int i = 0; i < Math.min(escalationLevel, route.escalations().size()); i++) {
            anySeat.add(route.escalations().get(i).group());
        }
        List<String> seats = new ArrayList<>();
        for (GroupQuorum quorum : route.quorums()) {
            for (int i = 0; i < quorum.approvals(); i++) {
                seats.add(quorum.group());
            }
        }
        List<Vote> approvals = votes.stream().filter(v -> v.verdict() == Verdict.APPROVE).toList();
        if (approvals.size() < seats.size()) {
            return false;
        }
        int[] seatHolder = new int[seats.size()];
        Arrays.fill(seatHolder, -1);
        int filled = 0;
        for (int approver = 0; approver < approvals.size(); approver++) {
            if (seat(approver, approvals, seats, seatHolder, new boolean[seats.size()], anySeat)) {
                filled++;
            }
        }
        return filled == seats.size();
    }

    static long denials(List<Vote> votes) {
        return votes.stream().filter(v -> v.verdict() == Verdict.DENY).count();
    }

    private static boolean seat(int approver, List<Vote> approvals, List<String> seats, int[] seatHolder,
                                boolean[] visited, java.util.Set<String> anySeat) {
        java.util.Set<String> groups = approvals.get(approver).groups();
        boolean escalated = groups.stream().anyMatch(anySeat::contains);
        for (int s = 0; s < seats.size(); s++) {
            if (visited[s] || (!escalated && !groups.contains(seats.get(s)))) {
                continue;
            }
            visited[s] = true;
            if (seatHolder[s] < 0 || seat(seatHolder[s], approvals, seats, seatHolder, visited, anySeat)) {
                seatHolder[s] = approver;
                return true;
            }
        }
        return false;
    }
}
