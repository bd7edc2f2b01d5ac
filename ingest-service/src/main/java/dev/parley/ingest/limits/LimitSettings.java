package dev.parley.ingest.limits;

import java.util.List;

/**
 * One principal's limits across all gateways: requests per second and turns per minute (token buckets whose burst
 * is one second's or one minute's worth), and the most streams, generations and sessions it may have at once.
 */
public record LimitSettings(int requestsPerSecond, int turnsPerMinute, int streams, int generations, int sessions) {

    /** The names used in {@code PARLEY_LIMIT_*} (upper case) and in the limits file (as written here). */
    static final List<String> NAMES = List.of("requestsPerSecond", "turnsPerMinute", "streams", "generations",
            "sessions");

    public LimitSettings {
        if (requestsPerSecond < 1 || turnsPerMinute < 1 || streams < 1 || generations < 1 || sessions < 1) {
            throw new IllegalArgumentException("every limit must be at least 1: " + NAMES);
        }
    }

    /**
     * What one of {@code gateways} gateways enforces so that together they admit no more than this: each limit
     * divided by the gateway count, rounded down, at least 1.
     */
    LimitSettings share(int gateways) {
        return new LimitSettings(part(requestsPerSecond, gateways), part(turnsPerMinute, gateways),
                part(streams, gateways), part(generations, gateways), part(sessions, gateways));
    }

    int get(String name) {
        return switch (name) {
            case "requestsPerSecond" -> requestsPerSecond;
            case "turnsPerMinute" -> turnsPerMinute;
            case "streams" -> streams;
            case "generations" -> generations;
            case "sessions" -> sessions;
            default -> throw new IllegalArgumentException("no limit " + name);
        };
    }

    /** These limits with the named one replaced. */
    LimitSettings with(String name, int value) {
        return new LimitSettings(
                name.equals("requestsPerSecond") ? value : requestsPerSecond,
                name.equals("turnsPerMinute") ? value : turnsPerMinute,
                name.equals("streams") ? value : streams,
                name.equals("generations") ? value : generations,
                name.equals("sessions") ? value : sessions);
    }

    private static int part(int limit, int gateways) {
        return Math.max(1, limit / gateways);
    }
}
