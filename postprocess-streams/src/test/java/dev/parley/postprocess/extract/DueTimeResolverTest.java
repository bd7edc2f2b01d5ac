package dev.parley.postprocess.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DueTimeResolverTest {

    /** A Tuesday afternoon. */
    private static final long TUESDAY_14_00 = millis("2024-03-05T14:00:00Z");

    private final DueTimeResolver resolver = new DueTimeResolver();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "I'll remind you tomorrow.                     | 2024-03-06T09:00:00Z",
            "I'll remind you tomorrow at 9am.              | 2024-03-06T09:00:00Z",
            "I'll call tomorrow at 3:30 p.m.               | 2024-03-06T15:30:00Z",
            "I'll check in tomorrow afternoon.             | 2024-03-06T14:00:00Z",
            "I'll check in tomorrow evening.               | 2024-03-06T18:00:00Z",
            "I'll check in tomorrow at 2.                  | 2024-03-06T14:00:00Z",
            "I'll check in tomorrow at 10.                 | 2024-03-06T10:00:00Z",
            "I'll ping you 9am tomorrow.                   | 2024-03-06T09:00:00Z",
            "I'll send it the day after tomorrow.          | 2024-03-07T09:00:00Z",
            "I'll ping you tonight.                        | 2024-03-05T20:00:00Z",
            "I'll ping you tonight at 9.                   | 2024-03-05T21:00:00Z",
            "I'll ping you this evening.                   | 2024-03-05T18:00:00Z",
            "I'll have it done by end of day.              | 2024-03-05T17:00:00Z",
            "I'll have it done by EOD.                     | 2024-03-05T17:00:00Z",
            "I'll have it done today.                      | 2024-03-05T17:00:00Z",
            "I'll have it done today at 4pm.               | 2024-03-05T16:00:00Z",
            "I'll remind you next week.                    | 2024-03-12T09:00:00Z",
            "I'll remind you next month.                   | 2024-04-05T09:00:00Z",
            "I'll send it on Monday.                       | 2024-03-11T09:00:00Z",
            "I'll send it on Monday at 10:30am.            | 2024-03-11T10:30:00Z",
            "I'll send it by Friday.                       | 2024-03-08T09:00:00Z",
            "I'll send it next Tuesday.                    | 2024-03-12T09:00:00Z",
            "I'll send it by the end of the week.          | 2024-03-08T17:00:00Z",
            "I'll send it this weekend.                    | 2024-03-09T09:00:00Z",
            "I'll send it first thing in the morning.      | 2024-03-06T09:00:00Z",
    })
    @DisplayName("day words resolve to a time of that day in UTC, 09:00 unless a time is given")
    void resolvesDays(String sentence, String expected) {
        assertEquals(millis(expected), resolver.resolve(sentence, TUESDAY_14_00));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "I'll remind you at 3:30pm.     | 2024-03-05T15:30:00Z",
            "I'll remind you at 9am.        | 2024-03-06T09:00:00Z",
            "I'll remind you at 15:00.      | 2024-03-05T15:00:00Z",
            "I'll remind you at 13:00.      | 2024-03-06T13:00:00Z",
            "I'll remind you at noon.       | 2024-03-06T12:00:00Z",
            "I'll remind you by midnight.   | 2024-03-06T00:00:00Z",
            "I'll remind you at 5 o'clock.  | 2024-03-05T17:00:00Z",
    })
    @DisplayName("a clock time alone is today if still ahead of the reply, else tomorrow")
    void resolvesClockTimes(String sentence, String expected) {
        assertEquals(millis(expected), resolver.resolve(sentence, TUESDAY_14_00));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "I'll follow up in 10 minutes.          | 2024-03-05T14:10:00Z",
            "I'll follow up in 2 hours.             | 2024-03-05T16:00:00Z",
            "I'll follow up in an hour.             | 2024-03-05T15:00:00Z",
            "I'll follow up in half an hour.        | 2024-03-05T14:30:00Z",
            "I'll follow up in a couple of hours.   | 2024-03-05T16:00:00Z",
            "I'll follow up in three days.          | 2024-03-08T14:00:00Z",
            "I'll follow up in a week.              | 2024-03-12T14:00:00Z",
            "I'll follow up within 24 hours.        | 2024-03-06T14:00:00Z",
    })
    @DisplayName("'in N units' is exactly that long after the reply")
    void resolvesRelativeDelays(String sentence, String expected) {
        assertEquals(millis(expected), resolver.resolve(sentence, TUESDAY_14_00));
    }

    @Test
    @DisplayName("a relative delay keeps the reply's seconds and millis")
    void relativeKeepsPrecision() {
        long reply = millis("2024-03-05T14:00:07.250Z");
        assertEquals(millis("2024-03-05T14:10:07.250Z"), resolver.resolve("in 10 minutes", reply));
    }

    @Test
    @DisplayName("a day part already past is due at the reply time, never before it")
    void neverDueInThePast() {
        long evening = millis("2024-03-05T18:30:00Z");
        assertEquals(evening, resolver.resolve("I'll have it done by end of day.", evening));
    }

    @Test
    @DisplayName("'tomorrow' said just before midnight is the next calendar day at 09:00")
    void tomorrowNearMidnight() {
        assertEquals(millis("2024-03-06T09:00:00Z"),
                resolver.resolve("I'll remind you tomorrow.", millis("2024-03-05T23:59:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "I'll look into it.", "I'll send it soon.", "I'll send tomorrow's agenda.", "I'll call you at 5.",
            "I'll raise it by 5 percent.", "I'll plan the Monday's stand-up.", "I'll check later.",
    })
    @DisplayName("no stated time, or only a possessive or a bare number, resolves to null")
    void noTime(String sentence) {
        assertNull(resolver.resolve(sentence, TUESDAY_14_00));
    }

    @Test
    @DisplayName("the same sentence and timestamp always give the same instant")
    void deterministic() {
        assertEquals(resolver.resolve("on Monday at 10:30am", TUESDAY_14_00),
                new DueTimeResolver().resolve("on Monday at 10:30am", TUESDAY_14_00));
    }

    private static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }
}
