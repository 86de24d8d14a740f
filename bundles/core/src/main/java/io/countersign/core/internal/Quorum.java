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

    static boolean isMet(ReviewRoute route, List<Vote> votes) {
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
            if (seat(approver, approvals, seats, seatHolder, new boolean[seats.size()])) {
                filled++;
            }
        }
        return filled == seats.size();
    }

    static long denials(List<Vote> votes) {
        return votes.stream().filter(v -> v.verdict() == Verdict.DENY).count();
    }

    private static boolean seat(int approver, List<Vote> approvals, List<String> seats, int[] seatHolder,
                                boolean[] visited) {
        for (int s = 0; s < seats.size(); s++) {
            if (visited[s] || !approvals.get(approver).groups().contains(seats.get(s))) {
                continue;
            }
            visited[s] = true;
            if (seatHolder[s] < 0 || seat(seatHolder[s], approvals, seats, seatHolder, visited)) {
                seatHolder[s] = approver;
                return true;
            }
        }
        return false;
    }
}
