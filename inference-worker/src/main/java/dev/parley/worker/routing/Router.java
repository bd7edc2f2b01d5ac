package dev.parley.worker.routing;

import dev.parley.worker.catalogue.Catalogue;

/** STUB until the catalogue branch lands. */
public final class Router {
    private final Catalogue catalogue;

    public Router(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    public RouteDecision decide(TurnFacts facts) {
        if (facts.requestedRoute() != null) {
            if (!catalogue.routes().containsKey(facts.requestedRoute())) {
                throw new UnknownRouteException("unknown route " + facts.requestedRoute());
            }
            return new RouteDecision(facts.requestedRoute(), "requested");
        }
        return new RouteDecision("default", "default");
    }
}
