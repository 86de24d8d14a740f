package io.countersign.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestSearchTest {

    private static final Instant FROM = AuditFixture.START;
    private static final Instant TO = AuditFixture.START.plus(Duration.ofDays(1));

    private final AuditFixture fixture = new AuditFixture();
    private final RequestSearch search = new RequestSearch(fixture.journal, fixture.approvals::find, 10_000);

    @BeforeEach
    void requests() {
        fixture.request("analytics-agent", "alice", "data.export", "production", RequestStatus.APPROVED, "bob");
        fixture.noise(3);
        fixture.request("analytics-agent", "alice", "data.export", "staging", RequestStatus.ALLOWED, null);
        fixture.request("ops-agent", "dave", "db.migrate", "production", RequestStatus.DENIED, "erin");
        fixture.noise(2);
        fixture.request("ops-agent", "dave", "data.export", "production", RequestStatus.PENDING, null);
        fixture.request("analytics-agent", "carol", "data.export", "production", RequestStatus.APPROVED, "erin");
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                Arguments.of("no filter", query(null, null, null, null, null, null), List.of(4, 3, 2, 1, 0)),
                Arguments.of("agent", query("ops-agent", null, null, null, null, null), List.of(3, 2)),
                Arguments.of("human", query(null, "alice", null, null, null, null), List.of(1, 0)),
                Arguments.of("action", query(null, null, "db.migrate", null, null, null), List.of(2)),
                Arguments.of("environment", query(null, null, null, "staging", null, null), List.of(1)),
                Arguments.of("outcome", query(null, null, null, null, RequestStatus.APPROVED, null), List.of(4, 0)),
                Arguments.of("reviewer", query(null, null, null, null, null, "erin"), List.of(4, 2)),
                Arguments.of("all together", query("analytics-agent", "carol", "data.export", "production",
                        RequestStatus.APPROVED, "erin"), List.of(4)),
                Arguments.of("nothing matches", query("ops-agent", "alice", null, null, null, null), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void eachFilterNarrowsTheResults_newestFirst(String name, RequestSearch.Query query, List<Integer> expected) {
        RequestSearch.Page page = search.search(query, 50);

        assertEquals(expected.stream().map(i -> "req-" + i).toList(), ids(page));
        assertNull(page.next(), "the window holds no more");
    }

    @Test
    void onlyRequestsReceivedInTheWindowAreFound() {
        Instant secondAt = AuditFixture.START.plus(Duration.ofMinutes(2));
        Instant fourthAt = AuditFixture.START.plus(Duration.ofMinutes(4));
        RequestSearch.Query window = new RequestSearch.Query(secondAt, fourthAt, null, null, null, null, null, null,
                null);

        assertEquals(List.of("req-3", "req-2", "req-1"), ids(search.search(window, 50)));
    }

    @Test
    void pagesFollowOneAnother_withoutGapOrOverlap() {
        RequestSearch.Page first = search.search(query(null, null, null, null, null, null), 2);
        RequestSearch.Page second = search.search(query(null, null, null, null, null, null)
                .startingBefore(first.next()), 2);
        RequestSearch.Page third = search.search(query(null, null, null, null, null, null)
                .startingBefore(second.next()), 2);

        assertEquals(List.of("req-4", "req-3"), ids(first));
        assertEquals(List.of("req-2", "req-1"), ids(second));
        assertEquals(List.of("req-0"), ids(third));
        assertNull(third.next());
    }

    @Test
    void aPageReadsAtMostItsBudget_andSaysWhereToGoOn() {
        fixture.noise(1_000);
        fixture.request("ops-agent", "dave", "db.migrate", "production", RequestStatus.PENDING, null);
        RequestSearch bounded = new RequestSearch(fixture.journal, fixture.approvals::find, 100);
        RequestSearch.Query migrations = query(null, null, "db.migrate", null, null, null);

        RequestSearch.Page page = bounded.search(migrations, 50);

        assertEquals(List.of("req-5"), ids(page));
        assertTrue(page.stoppedShort());
        assertEquals(100, page.scanned());
        List<String> found = new java.util.ArrayList<>(ids(page));
        int pages = 1;
        for (RequestSearch.Page next = page; next.next() != null; pages++) {
            next = bounded.search(migrations.startingBefore(next.next()), 50);
            found.addAll(ids(next));
        }
        assertEquals(List.of("req-5", "req-2"), found, "going on page by page finds the rest");
        assertEquals(11, pages, "1,017 entries at 100 a page");
    }

    private static RequestSearch.Query query(String agent, String human, String action, String environment,
                                             RequestStatus outcome, String reviewer) {
        return new RequestSearch.Query(FROM, TO, agent, human, action, environment, outcome, reviewer, null);
    }

    private static List<String> ids(RequestSearch.Page page) {
        return page.requests().stream().map(RequestView::id).toList();
    }
}
