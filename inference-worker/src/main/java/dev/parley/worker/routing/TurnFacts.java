package dev.parley.worker.routing;

import java.util.List;

/**
 * What the router knows about a user turn: its text, the route the client asked for (null for none), whether the
 * client put it in the spotlight, and the session's last routes (most recent first, from {@link RecentRoutes}).
 */
public record TurnFacts(String text, String requestedRoute, boolean spotlight, List<String> recentRoutes) {

    public TurnFacts {
        text = text == null ? "" : text;
        requestedRoute = requestedRoute == null || requestedRoute.isBlank() ? null : requestedRoute.trim();
        recentRoutes = recentRoutes == null ? List.of() : List.copyOf(recentRoutes);
    }

    /** A plain turn: no requested route, no spotlight, no history. */
    public static TurnFacts of(String text) {
        return new TurnFacts(text, null, false, List.of());
    }
}
