package dev.parley.worker.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each session's last {@value #KEEP} routes, most recent first, for the rules' {@code recentRoute} condition;
 * bounded to the most recently used sessions so an idle session's memory is given back. Thread-safe.
 */
public final class RecentRoutes {

    public static final int KEEP = 3;
    public static final int DEFAULT_MAX_SESSIONS = 100_000;

    private final Map<String, List<String>> bySession;

    public RecentRoutes() {
        this(DEFAULT_MAX_SESSIONS);
    }

    public RecentRoutes(int maxSessions) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, was " + maxSessions);
        }
        // access order: reading a session's routes keeps it, the least recently used one goes first
        bySession = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
                return size() > maxSessions;
            }
        };
    }

    /** The session's last routes, most recent first; empty for a session not seen (or forgotten). */
    public synchronized List<String> of(String sessionId) {
        List<String> routes = bySession.get(sessionId);
        return routes == null ? List.of() : routes;
    }

    /** Records the route the session's latest turn took. */
    public synchronized void record(String sessionId, String route) {
        List<String> previous = bySession.getOrDefault(sessionId, List.of());
        List<String> routes = new ArrayList<>(KEEP);
        routes.add(route);
        for (int i = 0; i < previous.size() && routes.size() < KEEP; i++) {
            routes.add(previous.get(i));
        }
        // immutable, so a caller may keep what of() returned while other turns record
        bySession.put(sessionId, List.copyOf(routes));
    }

    /** How many sessions are remembered. */
    public synchronized int sessions() {
        return bySession.size();
    }
}
