package dev.parley.postprocess.extract;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the time a promise names ("tomorrow at 9am", "in 2 hours", "by Friday") in UTC against the reply's own
 * timestamp, never the wall clock, so that replaying the ledger gives the same answer.
 */
final class DueTimeResolver {

    static final LocalTime MORNING = LocalTime.of(9, 0);
    static final LocalTime AFTERNOON = LocalTime.of(14, 0);
    static final LocalTime END_OF_DAY = LocalTime.of(17, 0);
    static final LocalTime EVENING = LocalTime.of(18, 0);
    static final LocalTime NIGHT = LocalTime.of(20, 0);

    private static final Map<String, Integer> NUMBER_WORDS = Map.ofEntries(
            Map.entry("a", 1), Map.entry("an", 1), Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3),
            Map.entry("four", 4), Map.entry("five", 5), Map.entry("six", 6), Map.entry("seven", 7),
            Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10), Map.entry("eleven", 11),
            Map.entry("twelve", 12), Map.entry("fifteen", 15), Map.entry("twenty", 20), Map.entry("thirty", 30),
            Map.entry("forty-five", 45), Map.entry("a few", 3), Map.entry("a couple", 2),
            Map.entry("a couple of", 2));

    private static final Pattern RELATIVE = Pattern.compile("\\b(?:in|within)\\s+(?:(half\\s+an?)\\s+|"
            + "(\\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
            + "|forty-five|a\\s+few|a\\s+couple(?:\\s+of)?)\\s+)(minute|min|hour|hr|day|week|month)s?\\b");
    private static final Pattern MERIDIEM = Pattern.compile("\\b(\\d{1,2})(?::(\\d{2}))?\\s*([ap])\\.?m\\b\\.?");
    private static final Pattern TWENTY_FOUR_HOUR = Pattern.compile(
            "(?:\\b(?:at|by|around|before|until|till|from)\\s*|@\\s*)(\\d{1,2}):(\\d{2})\\b");
    private static final Pattern NAMED_TIME = Pattern.compile("\\b(noon|midday|midnight)\\b");
    private static final Pattern O_CLOCK = Pattern.compile("\\b(\\d{1,2})\\s*o'clock\\b");
    private static final Pattern BARE_HOUR = Pattern.compile("\\b(?:at|around|by)\\s+(\\d{1,2})\\b(?![:.,]?\\d)"
            + "(?!\\s*(?:%|percent|minutes?|mins?|hours?|days?|weeks?|items?|points?|people|of)\\b)");
    private static final Pattern FIRST_THING = Pattern.compile("\\b(?:in\\s+the\\s+morning|first\\s+thing)\\b");

    private static final Pattern DAY_AFTER_TOMORROW = Pattern.compile("\\bday\\s+after\\s+tomorrow\\b");
    private static final Pattern TOMORROW = Pattern.compile(
            "\\b(?:tomorrow|tmrw)\\b(?!')(?:\\s+(morning|afternoon|evening|night))?");
    private static final Pattern TONIGHT = Pattern.compile("\\btonight\\b");
    private static final Pattern THIS_PART = Pattern.compile("\\bthis\\s+(morning|afternoon|evening)\\b");
    private static final Pattern END_OF_TODAY = Pattern.compile("\\b(?:end\\s+of\\s+(?:the\\s+)?(?:business\\s+)?day"
            + "|eod|cob|close\\s+of\\s+business|end\\s+of\\s+business|later\\s+today|today)\\b(?!')");
    private static final Pattern NEXT_WEEK = Pattern.compile("\\bnext\\s+week\\b(?!')");
    private static final Pattern NEXT_MONTH = Pattern.compile("\\bnext\\s+month\\b(?!')");
    private static final Pattern END_OF_WEEK = Pattern.compile("\\bend\\s+of\\s+(?:the|this)\\s+week\\b");
    private static final Pattern WEEKEND = Pattern.compile("\\b(?:this|over\\s+the|on\\s+the)\\s+weekend\\b");
    private static final Pattern WEEKDAY = Pattern.compile(
            "\\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\\b(?!')");

    /** The due instant in epoch millis, or null when the sentence states no time. */
    Long resolve(String sentence, long replyTimestampMillis) {
        String text = Text.normalize(sentence).toLowerCase(Locale.ROOT);
        ZonedDateTime now = Instant.ofEpochMilli(replyTimestampMillis).atZone(ZoneOffset.UTC);
        ZonedDateTime relative = relative(text, now);
        if (relative != null) {
            return millis(relative);
        }
        Anchor anchor = anchor(text, now.toLocalDate());
        LocalTime clock = clock(text, anchor);
        if (anchor != null) {
            LocalTime time = clock != null ? clock : anchor.defaultTime();
            ZonedDateTime due = anchor.date().atTime(time).atZone(ZoneOffset.UTC);
            // "by end of day" said at 18:00 is overdue rather than tomorrow's: due at once, never in the past.
            return millis(due.isBefore(now) ? now : due);
        }
        return clock == null ? null : millis(nextOccurrence(clock, now));
    }

    private static ZonedDateTime relative(String text, ZonedDateTime now) {
        Matcher m = RELATIVE.matcher(text);
        if (!m.find()) {
            return null;
        }
        String unit = m.group(3);
        if (m.group(1) != null) {
            return halfOf(unit, now);
        }
        String amountText = m.group(2).replaceAll("\\s+", " ");
        int amount = Character.isDigit(amountText.charAt(0))
                ? Integer.parseInt(amountText) : NUMBER_WORDS.get(amountText);
        return plus(now, amount, unit);
    }

    private static ZonedDateTime plus(ZonedDateTime now, int amount, String unit) {
        return switch (unit) {
            case "minute", "min" -> now.plusMinutes(amount);
            case "hour", "hr" -> now.plusHours(amount);
            case "day" -> now.plusDays(amount);
            case "week" -> now.plusWeeks(amount);
            default -> now.plusMonths(amount);
        };
    }

    private static ZonedDateTime halfOf(String unit, ZonedDateTime now) {
        return switch (unit) {
            case "minute", "min" -> now.plusSeconds(30);
            case "hour", "hr" -> now.plusMinutes(30);
            case "day" -> now.plusHours(12);
            case "week" -> now.plusHours(84);
            default -> now.plusDays(15);
        };
    }

    private record Anchor(LocalDate date, LocalTime defaultTime, boolean evening) {
    }

    private static Anchor anchor(String text, LocalDate today) {
        if (DAY_AFTER_TOMORROW.matcher(text).find()) {
            return new Anchor(today.plusDays(2), MORNING, false);
        }
        Matcher tomorrow = TOMORROW.matcher(text);
        if (tomorrow.find()) {
            return dayPart(today.plusDays(1), tomorrow.group(1));
        }
        if (TONIGHT.matcher(text).find()) {
            return new Anchor(today, NIGHT, true);
        }
        Matcher thisPart = THIS_PART.matcher(text);
        if (thisPart.find()) {
            return dayPart(today, thisPart.group(1));
        }
        if (END_OF_TODAY.matcher(text).find()) {
            return new Anchor(today, END_OF_DAY, false);
        }
        return laterAnchor(text, today);
    }

    private static Anchor laterAnchor(String text, LocalDate today) {
        if (NEXT_WEEK.matcher(text).find()) {
            return new Anchor(today.plusWeeks(1), MORNING, false);
        }
        if (NEXT_MONTH.matcher(text).find()) {
            return new Anchor(today.plusMonths(1), MORNING, false);
        }
        if (END_OF_WEEK.matcher(text).find()) {
            return new Anchor(today.with(TemporalAdjusters.nextOrSame(DayOfWeek.FRIDAY)), END_OF_DAY, false);
        }
        if (WEEKEND.matcher(text).find()) {
            boolean weekend = today.getDayOfWeek() == DayOfWeek.SATURDAY || today.getDayOfWeek() == DayOfWeek.SUNDAY;
            LocalDate saturday = weekend ? today : today.with(TemporalAdjusters.next(DayOfWeek.SATURDAY));
            return new Anchor(saturday, MORNING, false);
        }
        Matcher weekday = WEEKDAY.matcher(text);
        if (weekday.find()) {
            DayOfWeek day = DayOfWeek.valueOf(weekday.group(1).toUpperCase(Locale.ROOT));
            return new Anchor(today.with(TemporalAdjusters.next(day)), MORNING, false);
        }
        return null;
    }

    private static Anchor dayPart(LocalDate date, String part) {
        if (part == null) {
            return new Anchor(date, MORNING, false);
        }
        return switch (part) {
            case "afternoon" -> new Anchor(date, AFTERNOON, true);
            case "evening" -> new Anchor(date, EVENING, true);
            case "night" -> new Anchor(date, NIGHT, true);
            default -> new Anchor(date, MORNING, false);
        };
    }

    private static LocalTime clock(String text, Anchor anchor) {
        LocalTime exact = firstNonNull(meridiem(text), twentyFourHour(text), namedTime(text));
        if (exact != null) {
            return exact;
        }
        Matcher oClock = O_CLOCK.matcher(text);
        if (oClock.find()) {
            return ambiguousHour(Integer.parseInt(oClock.group(1)), anchor);
        }
        Matcher bare = BARE_HOUR.matcher(text);
        if (anchor != null && bare.find()) {
            return ambiguousHour(Integer.parseInt(bare.group(1)), anchor);
        }
        return anchor == null && FIRST_THING.matcher(text).find() ? MORNING : null;
    }

    private static LocalTime meridiem(String text) {
        Matcher m = MERIDIEM.matcher(text);
        while (m.find()) {
            int hour = Integer.parseInt(m.group(1));
            int minute = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            if (hour >= 1 && hour <= 12 && minute < 60) {
                return LocalTime.of(hour % 12 + (m.group(3).equals("p") ? 12 : 0), minute);
            }
        }
        return null;
    }

    private static LocalTime twentyFourHour(String text) {
        Matcher m = TWENTY_FOUR_HOUR.matcher(text);
        while (m.find()) {
            int hour = Integer.parseInt(m.group(1));
            int minute = Integer.parseInt(m.group(2));
            if (hour < 24 && minute < 60) {
                return LocalTime.of(hour, minute);
            }
        }
        return null;
    }

    private static LocalTime namedTime(String text) {
        Matcher m = NAMED_TIME.matcher(text);
        if (!m.find()) {
            return null;
        }
        return m.group(1).equals("midnight") ? LocalTime.MIDNIGHT : LocalTime.NOON;
    }

    /**
     * "at 9" has no am/pm: in the evening it is 21:00, otherwise 1–6 are read as afternoon and 7–11 as morning,
     * the hours people mean when they schedule something without saying which half of the day.
     */
    private static LocalTime ambiguousHour(int hour, Anchor anchor) {
        if (hour < 1 || hour > 12) {
            return hour == 0 || hour > 23 ? null : LocalTime.of(hour, 0);
        }
        boolean evening = anchor != null && anchor.evening();
        boolean pm = hour != 12 && (evening || hour <= 6);
        return LocalTime.of(pm ? hour + 12 : hour, 0);
    }

    private static ZonedDateTime nextOccurrence(LocalTime clock, ZonedDateTime now) {
        ZonedDateTime today = now.toLocalDate().atTime(clock).atZone(ZoneOffset.UTC);
        return today.isAfter(now) ? today : today.plusDays(1);
    }

    private static long millis(ZonedDateTime time) {
        return time.toInstant().toEpochMilli();
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... candidates) {
        for (T candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }
}
