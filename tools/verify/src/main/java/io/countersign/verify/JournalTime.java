package io.countersign.verify;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The journal's {@code time} form: Java's {@code Instant.toString()} of a four-digit year, so
 * {@code YYYY-MM-DDTHH:MM:SS}, then {@code .} and 3, 6 or 9 digits unless they are all zero, then {@code Z}.
 * Only that one spelling of each instant is accepted, which makes the form part of the canonical bytes.
 */
final class JournalTime {
    private static final int DATE_TIME_LENGTH = 19;

    private JournalTime() {
    }

    /** Nanoseconds since the epoch; throws {@link IllegalArgumentException} naming what is wrong. */
    static long parse(String text) {
        int length = text.length();
        if (length < DATE_TIME_LENGTH + 1 || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            throw notJournalTime(text, "not YYYY-MM-DDTHH:MM:SS[.fraction]Z");
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0
                || hour > 23 || minute > 59 || second > 59) {
            throw notJournalTime(text, "a date or time field is out of range");
        }
        long nanos = fraction(text, length - 1);
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            throw notJournalTime(text, "no such date");
        }
        long seconds = epochDay * 86_400L + hour * 3600L + minute * 60L + second;
        try {
            return nanosSinceEpoch(seconds, nanos);
        } catch (ArithmeticException e) {
            throw notJournalTime(text, "outside the years 1678 to 2261 that the verifier can compare");
        }
    }

    /**
     * An instant in any ISO-8601 form {@link Instant#parse} accepts (used for the manifest's range bounds and key
     * validity); throws a {@link RuntimeException} when it is not one, or too far off to compare.
     */
    static long parseLenient(String text) {
        Instant instant = Instant.parse(text);
        return nanosSinceEpoch(instant.getEpochSecond(), instant.getNano());
    }

    /** Exact, so that a far-off instant cannot wrap around and compare as a near one. */
    private static long nanosSinceEpoch(long seconds, long nanos) {
        return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos);
    }

    private static long fraction(String text, int end) {
        if (end == DATE_TIME_LENGTH) {
            return 0;
        }
        int digitCount = end - DATE_TIME_LENGTH - 1;
        if (text.charAt(DATE_TIME_LENGTH) != '.' || (digitCount != 3 && digitCount != 6 && digitCount != 9)) {
            throw notJournalTime(text, "the fraction must be 3, 6 or 9 digits");
        }
        int value = digits(text, DATE_TIME_LENGTH + 1, end);
        if (value < 0) {
            throw notJournalTime(text, "the fraction is not digits");
        }
        // Instant.toString prints the shortest of 3, 6 or 9 digits that holds the value, and none for zero
        if (value == 0 || (digitCount > 3 && value % 1000 == 0)) {
            throw notJournalTime(text, "the fraction is not in its shortest form");
        }
        long nanos = value;
        for (int i = digitCount; i < 9; i++) {
            nanos *= 10;
        }
        return nanos;
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static IllegalArgumentException notJournalTime(String text, String why) {
        return new IllegalArgumentException("\"" + text + "\" is not a journal time: " + why);
    }
}
