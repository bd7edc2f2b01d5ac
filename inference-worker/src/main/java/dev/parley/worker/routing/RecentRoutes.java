package dev.parley.worker.routing;

import java.util.List;

/** STUB until the catalogue branch lands. */
public final class RecentRoutes {
    public List<String> of(String sessionId) {
        return List.of();
    }

    public void record(String sessionId, String route) {
    }
}
