package io.countersign.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestSummaryTest {

    @Test
    void timeLeft_readsAsAPersonWouldSayIt() {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        assertEquals("in 1 h 12 min", RequestSummary.timeLeft(now, now.plus(Duration.ofMinutes(72))));
        assertEquals("in 5 min", RequestSummary.timeLeft(now, now.plus(Duration.ofMinutes(5).plusSeconds(59))));
        assertEquals("in less than a minute", RequestSummary.timeLeft(now, now.plusSeconds(59)));
        assertEquals("in 1 day", RequestSummary.timeLeft(now, now.plus(Duration.ofDays(1))));
        assertEquals("in 3 days 2 h", RequestSummary.timeLeft(now, now.plus(Duration.ofHours(74))));
        assertEquals("now", RequestSummary.timeLeft(now, now));
        assertEquals("now", RequestSummary.timeLeft(now, now.minusSeconds(1)));
    }

    @Test
    void whenIsToTheSecondInUtc() {
        assertEquals("2026-12-07 10:00:01 UTC", RequestSummary.when(Instant.parse("2026-12-07T10:00:01.987654321Z")));
        assertEquals("no deadline", RequestSummary.timeLeft(Instant.now(), null));
    }
}
