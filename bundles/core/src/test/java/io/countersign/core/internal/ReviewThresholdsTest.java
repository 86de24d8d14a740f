package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.api.GroupQuorum;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quorum and separation of duties as a scenario table, in the manner of Teleport's TestReviewThresholds: each row
 * is a route, a sequence of reviews, what each review must yield, and the status the request must end in. The agent
 * is etl-agent, acting for alice.
 */
class ReviewThresholdsTest {

    private static final String OK = "accepted";

    record Review(String reviewer, Set<String> groups, Verdict verdict, String expect) {
    }

    record Scenario(String name, List<GroupQuorum> quorums, int denialsToReject, List<Review> reviews,
                    RequestStatus finalStatus) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Review approve(String reviewer, String groups, String expect) {
        return new Review(reviewer, Set.of(groups.split(",")), Verdict.APPROVE, expect);
    }

    private static Review deny(String reviewer, String groups, String expect) {
        return new Review(reviewer, Set.of(groups.split(",")), Verdict.DENY, expect);
    }

    private static GroupQuorum q(String group, int approvals) {
        return new GroupQuorum(group, approvals);
    }

    static Stream<Scenario> scenarios() {
        return Stream.of(
                new Scenario("one approval from the group approves", List.of(q("data-owners", 1)), 1,
                        List.of(approve("bob", "data-owners", OK)), RequestStatus.APPROVED),
                new Scenario("two approvals needed: one is not enough", List.of(q("data-owners", 2)), 1,
                        List.of(approve("bob", "data-owners", OK)), RequestStatus.PENDING),
                new Scenario("two approvals needed: two distinct reviewers approve", List.of(q("data-owners", 2)), 1,
                        List.of(approve("bob", "data-owners", OK), approve("carol", "data-owners", OK)),
                        RequestStatus.APPROVED),
                new Scenario("the same reviewer cannot count twice", List.of(q("data-owners", 2)), 1,
                        List.of(approve("bob", "data-owners", OK), approve("bob", "data-owners", "already-voted")),
                        RequestStatus.PENDING),
                new Scenario("the human the agent acts for cannot approve", List.of(q("data-owners", 1)), 1,
                        List.of(approve("alice", "data-owners", "self-approval")), RequestStatus.PENDING),
                new Scenario("the human the agent acts for cannot deny either", List.of(q("data-owners", 1)), 1,
                        List.of(deny("alice", "data-owners", "self-approval")), RequestStatus.PENDING),
                new Scenario("the requesting agent itself cannot review", List.of(q("data-owners", 1)), 1,
                        List.of(approve("etl-agent", "data-owners", "self-approval")), RequestStatus.PENDING),
                new Scenario("a reviewer outside the named groups is refused", List.of(q("data-owners", 1)), 1,
                        List.of(approve("dave", "security", "not-eligible")), RequestStatus.PENDING),
                new Scenario("a reviewer in no group at all is refused", List.of(q("security", 1)), 1,
                        List.of(approve("mallory", "", "not-eligible")), RequestStatus.PENDING),
                new Scenario("one deny from an eligible reviewer denies", List.of(q("data-owners", 2)), 1,
                        List.of(approve("bob", "data-owners", OK), deny("carol", "data-owners", OK)),
                        RequestStatus.DENIED),
                new Scenario("with two denials to reject, one deny leaves it pending", List.of(q("data-owners", 2)), 2,
                        List.of(deny("bob", "data-owners", OK)), RequestStatus.PENDING),
                new Scenario("with two denials to reject, approvals can still win", List.of(q("data-owners", 2)), 2,
                        List.of(deny("bob", "data-owners", OK), approve("carol", "data-owners", OK),
                                approve("erin", "data-owners", OK)), RequestStatus.APPROVED),
                new Scenario("two groups: one approval from each approves",
                        List.of(q("data-owners", 1), q("security", 1)), 1,
                        List.of(approve("bob", "data-owners", OK), approve("erin", "security", OK)),
                        RequestStatus.APPROVED),
                new Scenario("two groups: two approvals from one group are not enough",
                        List.of(q("data-owners", 1), q("security", 1)), 1,
                        List.of(approve("bob", "data-owners", OK), approve("carol", "data-owners", OK)),
                        RequestStatus.PENDING),
                new Scenario("two groups: a reviewer in both fills one seat only",
                        List.of(q("data-owners", 1), q("security", 1)), 1,
                        List.of(approve("grace", "data-owners,security", OK)), RequestStatus.PENDING),
                new Scenario("two groups: seats are matched whatever the order of the votes",
                        List.of(q("data-owners", 1), q("security", 1)), 1,
                        List.of(approve("grace", "data-owners,security", OK), approve("bob", "data-owners", OK)),
                        RequestStatus.APPROVED),
                new Scenario("votes after approval are refused as no longer pending", List.of(q("security", 1)), 1,
                        List.of(approve("erin", "security", OK), deny("frank", "security", "not-pending")),
                        RequestStatus.APPROVED),
                new Scenario("votes after denial are refused as no longer pending", List.of(q("security", 1)), 1,
                        List.of(deny("erin", "security", OK), approve("frank", "security", "not-pending")),
                        RequestStatus.DENIED));
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void reviewsAreCountedOrRefusedAsTheTableSays(Scenario scenario) throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> EngineFixture.review(Duration.ofHours(1),
                scenario.denialsToReject(), scenario.quorums().toArray(GroupQuorum[]::new)))) {
            RequestView request = fixture.engine().submit(EngineFixture.AGENT,
                    EngineFixture.submission("data.export", List.of("alice")), null).toCompletableFuture().get().view();
            for (Review review : scenario.reviews()) {
                ReviewResult result = fixture.engine().review(new Reviewer(review.reviewer(), review.groups()),
                        request.id(), review.verdict(), null).toCompletableFuture().get().orElseThrow();
                String outcome = result instanceof ReviewResult.Refused refused ? refused.reason().code() : OK;
                assertEquals(review.expect(), outcome, review.reviewer() + " " + review.verdict());
            }
            assertEquals(scenario.finalStatus(), fixture.engine().find(request.id()).orElseThrow().status());

            fixture.restart();
            assertEquals(scenario.finalStatus(), fixture.engine().find(request.id()).orElseThrow().status(),
                    "the journal must replay to the same status");
        }
    }
}
