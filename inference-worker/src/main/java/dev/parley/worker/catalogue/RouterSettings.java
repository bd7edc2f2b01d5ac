package dev.parley.worker.catalogue;

import java.util.List;
import java.util.Set;

/**
 * How the router picks a route: the rules in order (first match wins), else {@code defaultRoute}; a spotlight turn
 * takes {@code spotlightRoute} (null: the default route).
 */
public record RouterSettings(String defaultRoute, String spotlightRoute, List<RouteRule> rules) {

    /** The default route's name when the catalogue does not set one. */
    public static final String DEFAULT_ROUTE = "default";
    /** What a decision not made by a rule names as its rule; a catalogue rule cannot take these names. */
    public static final String REQUESTED = "requested";
    public static final String SPOTLIGHT = "spotlight";
    public static final String DEFAULT = "default";
    public static final Set<String> RESERVED_RULE_NAMES = Set.of(REQUESTED, SPOTLIGHT, DEFAULT);

    public RouterSettings {
        rules = List.copyOf(rules);
    }

    /** No rules, no spotlight route: every turn takes {@code defaultRoute}. */
    public static RouterSettings defaultOnly(String defaultRoute) {
        return new RouterSettings(defaultRoute, null, List.of());
    }
}
