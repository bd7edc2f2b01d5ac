package dev.parley.worker.routing;

import java.util.List;

/** A turn asked for a route the catalogue does not have; the message lists the ones it has (a 400 for the client). */
public final class UnknownRouteException extends RuntimeException {

    private final String route;
    private final List<String> knownRoutes;

    public UnknownRouteException(String route, List<String> knownRoutes) {
        super("unknown route '" + route + "'; known routes: " + String.join(", ", knownRoutes));
        this.route = route;
        this.knownRoutes = List.copyOf(knownRoutes);
    }

    public String route() {
        return route;
    }

    public List<String> knownRoutes() {
        return knownRoutes;
    }
}
