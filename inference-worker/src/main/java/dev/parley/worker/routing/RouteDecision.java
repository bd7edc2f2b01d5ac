package dev.parley.worker.routing;

/** STUB until the catalogue branch lands. */
public record RouteDecision(String route, String rule) {
}
