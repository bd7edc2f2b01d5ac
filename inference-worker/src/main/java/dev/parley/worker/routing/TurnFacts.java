package dev.parley.worker.routing;

import java.util.List;

/** STUB until the catalogue branch lands. */
public record TurnFacts(String text, String requestedRoute, boolean spotlight, List<String> recentRoutes) {
}
