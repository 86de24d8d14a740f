package io.countersign.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.http.HttpRoute;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private final HttpRoute api = (request, response, callback) -> true;
    private final HttpRoute ledger = (request, response, callback) -> true;

    @Test
    void theLongestPrefixOnASegmentBoundaryWins() {
        RouteTable table = new RouteTable();
        table.add("/v1", api);
        table.add("/v1/ledger/", ledger);
        assertEquals(ledger, table.match("/v1/ledger/entries").orElseThrow().route());
        assertEquals(api, table.match("/v1/ledgers").orElseThrow().route());
        assertEquals(api, table.match("/v1").orElseThrow().route());
        assertTrue(table.match("/v10/actions").isEmpty());
    }

    @Test
    void aRemovedRouteNoLongerMatches() {
        RouteTable table = new RouteTable();
        table.add("v1", api);
        table.remove(api);
        assertTrue(table.match("/v1/actions").isEmpty());
    }
}
