package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JournalTimeTest {

    @ParameterizedTest
    @ValueSource(strings = {"2025-01-01T00:00:00Z", "2025-01-01T00:00:00.001Z", "2025-01-01T00:00:00.000001Z",
            "2025-01-01T00:00:00.000000001Z", "2024-02-29T23:59:59.999999999Z", "1970-01-01T00:00:00Z"})
    void readsWhatInstantToStringWrites(String text) {
        Instant instant = Instant.parse(text);
        assertEquals(text, instant.toString());
        assertEquals(instant.getEpochSecond() * 1_000_000_000L + instant.getNano(), JournalTime.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-01-01T00:00:00.000Z", "2025-01-01T00:00:00.100000Z", "2025-01-01T00:00:00.1Z",
            "2025-01-01T00:00Z", "2025-01-01 00:00:00Z", "2025-02-29T00:00:00Z", "2025-01-01T24:00:00Z",
            "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:00z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"})
    void rejectsEveryOtherSpelling(String text) {
        assertThrows(IllegalArgumentException.class, () -> JournalTime.parse(text));
    }
}
