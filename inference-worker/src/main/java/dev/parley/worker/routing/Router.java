package dev.parley.worker.routing;

import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.RouteRule;
import dev.parley.worker.catalogue.RouterSettings;
import dev.parley.worker.catalogue.RuleCondition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Picks each turn's route from the catalogue: a requested route, else the spotlight route for a spotlight turn,
 * else the first matching rule, else the default route. Everything is compiled at construction and each decision
 * object is made once, so a decision allocates only a matcher per pattern it tries (bench scenario {@code router}:
 * tens to hundreds of nanoseconds for a short turn, a few microseconds for a long one). Thread-safe (immutable).
 *
 * <p>Patterns, {@code hasCode} and a question word at the start look at the first {@value #SCAN_CHARS} characters
 * only, so a huge paste costs no more than a long message; {@code minChars}/{@code maxChars} and the trailing '?'
 * see the whole text.
 */
public final class Router {

    /** How much of a turn's text the patterns and the code heuristic scan. */
    public static final int SCAN_CHARS = 4096;

    private final Map<String, RouteDecision> requested = new HashMap<>();
    private final List<String> knownRoutes;
    private final RouteDecision spotlight;
    private final RouteDecision fallback;
    private final CompiledRule[] rules;

    public Router(Catalogue catalogue) {
        knownRoutes = List.copyOf(catalogue.routes().keySet());
        knownRoutes.forEach(route -> requested.put(route, new RouteDecision(route, RouterSettings.REQUESTED)));
        RouterSettings settings = catalogue.router();
        spotlight = new RouteDecision(settings.spotlightRoute() != null ? settings.spotlightRoute()
            : settings.defaultRoute(), RouterSettings.SPOTLIGHT);
        fallback = new RouteDecision(settings.defaultRoute(), RouterSettings.DEFAULT);
        rules = settings.rules().stream().map(CompiledRule::of).toArray(CompiledRule[]::new);
    }

    /** The route this turn takes; throws {@link UnknownRouteException} when it requests a route there is not. */
    public RouteDecision decide(TurnFacts turn) {
        if (turn.requestedRoute() != null) {
            RouteDecision decision = requested.get(turn.requestedRoute());
            if (decision == null) {
                throw new UnknownRouteException(turn.requestedRoute(), knownRoutes);
            }
            return decision;
        }
        if (turn.spotlight()) {
            return spotlight;
        }
        Signals signals = new Signals(turn.text());
        for (CompiledRule rule : rules) {
            if (rule.matches(turn, signals)) {
                return rule.decision;
            }
        }
        return fallback;
    }

    /** The routes a turn may request, in the catalogue's order. */
    public List<String> routes() {
        return knownRoutes;
    }

    /** The text heuristics, computed at most once per decision and only when a rule asks. */
    private static final class Signals {
        private final String text;
        private byte hasCode;
        private byte question;

        Signals(String text) {
            this.text = text;
        }

        boolean hasCode() {
            if (hasCode == 0) {
                hasCode = TextSignals.hasCode(text, SCAN_CHARS) ? (byte) 1 : (byte) -1;
            }
            return hasCode > 0;
        }

        boolean question() {
            if (question == 0) {
                question = TextSignals.question(text, SCAN_CHARS) ? (byte) 1 : (byte) -1;
            }
            return question > 0;
        }
    }

    /** A rule with its pattern compiled and its decision made; cheap checks first, the regex last. */
    private record CompiledRule(RouteDecision decision, Pattern pattern, int minChars, int maxChars, Boolean hasCode,
                                Boolean question, String recentRoute) {

        static CompiledRule of(RouteRule rule) {
            RuleCondition when = rule.when();
            return new CompiledRule(new RouteDecision(rule.route(), rule.name()),
                when.pattern() == null ? null : Pattern.compile(when.pattern()),
                when.minChars() == null ? 0 : when.minChars(),
                when.maxChars() == null ? Integer.MAX_VALUE : when.maxChars(),
                when.hasCode(), when.question(), when.recentRoute());
        }

        boolean matches(TurnFacts turn, Signals signals) {
            String text = turn.text();
            if (text.length() < minChars || text.length() > maxChars) {
                return false;
            }
            if (recentRoute != null && !turn.recentRoutes().contains(recentRoute)) {
                return false;
            }
            if (question != null && question != signals.question()) {
                return false;
            }
            if (hasCode != null && hasCode != signals.hasCode()) {
                return false;
            }
            return pattern == null || pattern.matcher(text).region(0, Math.min(text.length(), SCAN_CHARS)).find();
        }
    }
}
