package io.countersign.intake.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What a refused call's route looks like in an {@code access.refused} entry: a template, never the caller's text. */
class RefusedRouteTest {

    @Test
    void idsBecomeTemplatesAndKnownSegmentsStay() {
        assertEquals("/v1/actions/{id}/reviews", RestApi.routeOf("/v1/actions/8c1f-42/reviews"));
        assertEquals("/v1/actions/{id}/execution", RestApi.routeOf("/v1/actions/abc/execution"));
        assertEquals("/v1/standing-approvals/{id}", RestApi.routeOf("/v1/standing-approvals/sa-1"));
        assertEquals("/v1/policy/changes/{id}", RestApi.routeOf("/v1/policy/changes/pc-9"));
        assertEquals("/v1/actions", RestApi.routeOf("/v1/actions"));
    }

    @Test
    void whatTheCallerWroteIsNeitherKeptNorLong() {
        assertEquals("/v1/actions/{id}/{id}", RestApi.routeOf("/v1/actions/x/<b>&lt;"));
        assertEquals("/v1/unknown?path?with?spaces", RestApi.routeOf("/v1/unknown path\"with'spaces"));
        String long_ = RestApi.routeOf("/v1/" + "a".repeat(5000));
        assertTrue(long_.length() <= 121, long_);
    }
}
