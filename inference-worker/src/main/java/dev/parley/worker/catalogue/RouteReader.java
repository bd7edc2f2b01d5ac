package dev.parley.worker.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads the catalogue tree's {@code routes} and {@code router} sections, checking every name they refer to. */
final class RouteReader {

    private static final Set<String> ROUTE_FIELDS = Set.of("backends", "confidence", "stages", "batch", "compress");
    private static final Set<String> BATCH_FIELDS = Set.of("maxSize", "maxWaitMs", "retryAlone");
    private static final Set<String> COMPRESS_FIELDS = Set.of("budgetTokens");
    private static final Set<String> STAGE_FIELDS = Set.of("stage", "backends", "confidence");
    private static final Set<String> ROUTER_FIELDS = Set.of("default", "spotlight", "rules");
    private static final Set<String> RULE_FIELDS = Set.of("name", "when", "route");
    private static final Set<String> WHEN_FIELDS = Set.of("pattern", "minChars", "maxChars", "hasCode", "question",
        "recentRoute");

    private final TreeReader tree;

    RouteReader(TreeReader tree) {
        this.tree = tree;
    }

    /** The routes over {@code backends}, in the file's order; a route with a problem is left out (and recorded). */
    Map<String, Route> routes(JsonNode node, Set<String> backends) {
        Map<String, Route> routes = new LinkedHashMap<>();
        if (TreeReader.absent(node)) {
            tree.problem("routes", "is missing: name at least one route, e.g. default: [" + String.join(", ",
                backends) + "]");
            return routes;
        }
        if (!tree.object(node, "routes")) {
            return routes;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String path = "routes." + entry.getKey();
            List<Stage> stages = stages(entry.getValue(), path, backends);
            BatchWindow batch = entry.getValue().isObject() ? batch(entry.getValue().get("batch"), path + ".batch")
                : null;
            Compression compress = entry.getValue().isObject()
                ? compression(entry.getValue().get("compress"), path + ".compress") : null;
            if (stages != null) {
                routes.put(entry.getKey(), new Route(entry.getKey(), stages, batch, compress));
            }
        }
        if (!node.fields().hasNext()) {
            tree.problem("routes", "is empty: name at least one route");
        }
        return routes;
    }

    /**
     * {@code batch: {maxSize: 8, maxWaitMs: 50, retryAlone: false}}: the route gathers its turns into batch calls;
     * absent: null.
     */
    private BatchWindow batch(JsonNode node, String path) {
        if (TreeReader.absent(node) || !tree.object(node, path)) {
            return null;
        }
        tree.onlyKnown(node, path, BATCH_FIELDS);
        Double maxSize = tree.number(node, "maxSize", path, 1, BatchWindow.EXPLICIT_MAX_SIZE);
        Double maxWaitMs = tree.number(node, "maxWaitMs", path, 0, 10_000);
        if (maxSize == null || maxWaitMs == null) {
            if (maxSize == null && node.get("maxSize") == null) {
                tree.problem(path + ".maxSize", "is missing");
            }
            if (maxWaitMs == null && node.get("maxWaitMs") == null) {
                tree.problem(path + ".maxWaitMs", "is missing");
            }
            return null;
        }
        if (maxSize != Math.rint(maxSize) || maxWaitMs != Math.rint(maxWaitMs)) {
            tree.problem(path, "maxSize and maxWaitMs must be whole numbers");
            return null;
        }
        Boolean retryAlone = tree.bool(node, "retryAlone", path);
        return new BatchWindow(maxSize.intValue(), Duration.ofMillis(maxWaitMs.longValue()),
            Boolean.TRUE.equals(retryAlone));
    }

    /** {@code [a, b]}, {@code {backends: [a, b], confidence: 0.9}} or {@code {stages: [...]}}. */
    private List<Stage> stages(JsonNode node, String path, Set<String> backends) {
        if (node != null && node.isArray()) {
            List<String> names = backends(node, path, backends);
            return names == null ? null : List.of(Stage.answer(names, null));
        }
        if (!tree.object(node, path)) {
            return null;
        }
        tree.onlyKnown(node, path, ROUTE_FIELDS);
        if (node.has("stages")) {
            if (node.has("backends") || node.has("confidence")) {
                tree.problem(path, "has stages: its backends and confidence go in each stage");
                return null;
            }
            return stagedList(node.get("stages"), path + ".stages", backends);
        }
        List<String> names = backends(node.get("backends"), path + ".backends", backends);
        Double confidence = tree.number(node, "confidence", path, 0, 1);
        return names == null ? null : List.of(Stage.answer(names, confidence == null ? null : confidence.floatValue()));
    }

    /** {@code {budgetTokens: 1200}}; null when absent or bad (a problem is recorded). */
    private Compression compression(JsonNode node, String path) {
        if (TreeReader.absent(node) || !tree.object(node, path)) {
            return null;
        }
        tree.onlyKnown(node, path, COMPRESS_FIELDS);
        if (TreeReader.absent(node.get("budgetTokens"))) {
            tree.problem(path + ".budgetTokens", "is missing: the most tokens a context of this route may have");
            return null;
        }
        Integer budget = tree.integer(node, "budgetTokens", path, Compression.MIN_BUDGET_TOKENS);
        return budget == null ? null : new Compression(budget);
    }

    private List<Stage> stagedList(JsonNode node, String path, Set<String> backends) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            tree.problem(path, "must be a non-empty list of stages");
            return null;
        }
        List<Stage> stages = new ArrayList<>();
        int lastOrder = -1;
        boolean ok = true;
        for (int i = 0; i < node.size(); i++) {
            String stagePath = path + "[" + i + "]";
            JsonNode stage = node.get(i);
            if (!tree.object(stage, stagePath)) {
                ok = false;
                continue;
            }
            tree.onlyKnown(stage, stagePath, STAGE_FIELDS);
            String name = tree.text(stage, "stage", stagePath);
            int order = name == null ? -1 : order(name, node.size());
            if (name == null || order < 0) {
                tree.problem(stagePath + ".stage", (name == null ? "is missing" : "unknown stage '" + name + "'")
                    + " (stages: answer alone, or quick, deep, synthesis in that order)");
                ok = false;
            } else if (order <= lastOrder) {
                tree.problem(stagePath + ".stage", "'" + name + "' is out of order (quick, deep, synthesis)");
                ok = false;
            } else {
                lastOrder = order;
            }
            List<String> names = backends(stage.get("backends"), stagePath + ".backends", backends);
            Double confidence = tree.number(stage, "confidence", stagePath, 0, 1);
            if (names == null) {
                ok = false;
            } else if (ok) {
                stages.add(new Stage(name, names, confidence == null ? null : confidence.floatValue()));
            }
        }
        return ok ? stages : null;
    }

    /** A stage's position in quick → deep → synthesis; {@code answer} only as a route's only stage; -1 if unknown. */
    private static int order(String name, int stages) {
        if (name.equals(Stage.ANSWER)) {
            return stages == 1 ? 0 : -1;
        }
        return Stage.STAGED_ORDER.indexOf(name);
    }

    private List<String> backends(JsonNode node, String path, Set<String> known) {
        List<String> names = tree.names(node, path);
        if (names == null) {
            return null;
        }
        if (names.isEmpty()) {
            tree.problem(path, "is empty: a route needs at least one backend");
            return null;
        }
        boolean ok = true;
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!known.contains(name)) {
                tree.problem(path, "unknown backend '" + name + "' (backends: " + String.join(", ", known) + ")");
                ok = false;
            } else if (!seen.add(name)) {
                tree.problem(path, "names backend '" + name + "' twice");
                ok = false;
            }
        }
        return ok ? names : null;
    }

    /** The router section; {@code routes} are the names of every route in the file, good or bad. */
    RouterSettings router(JsonNode node, Set<String> routes) {
        if (TreeReader.absent(node)) {
            checkRoute(RouterSettings.DEFAULT_ROUTE, "router.default", routes);
            return RouterSettings.defaultOnly(RouterSettings.DEFAULT_ROUTE);
        }
        if (!tree.object(node, "router")) {
            return RouterSettings.defaultOnly(RouterSettings.DEFAULT_ROUTE);
        }
        tree.onlyKnown(node, "router", ROUTER_FIELDS);
        String defaultRoute = tree.text(node, "default", "router");
        defaultRoute = defaultRoute == null ? RouterSettings.DEFAULT_ROUTE : defaultRoute;
        checkRoute(defaultRoute, "router.default", routes);
        String spotlight = tree.text(node, "spotlight", "router");
        if (spotlight != null) {
            checkRoute(spotlight, "router.spotlight", routes);
        }
        return new RouterSettings(defaultRoute, spotlight, rules(node.get("rules"), routes));
    }

    private List<RouteRule> rules(JsonNode node, Set<String> routes) {
        List<RouteRule> rules = new ArrayList<>();
        if (TreeReader.absent(node)) {
            return rules;
        }
        if (!node.isArray()) {
            tree.problem("router.rules", "must be a list of rules, was " + TreeReader.describe(node));
            return rules;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "router.rules[" + i + "]";
            JsonNode rule = node.get(i);
            if (!tree.object(rule, path)) {
                continue;
            }
            tree.onlyKnown(rule, path, RULE_FIELDS);
            String name = tree.text(rule, "name", path);
            if (name == null) {
                tree.problem(path + ".name", "is missing");
            } else if (!names.add(name)) {
                tree.problem(path + ".name", "'" + name + "' is used by an earlier rule");
            } else if (RouterSettings.RESERVED_RULE_NAMES.contains(name)) {
                tree.problem(path + ".name", "'" + name + "' is reserved for the router's own decisions");
            }
            String route = tree.text(rule, "route", path);
            if (route == null) {
                tree.problem(path + ".route", "is missing");
            } else {
                checkRoute(route, path + ".route", routes);
            }
            RuleCondition when = condition(rule.get("when"), path + ".when", routes);
            rules.add(new RouteRule(name, when, route));
        }
        return rules;
    }

    private RuleCondition condition(JsonNode node, String path, Set<String> routes) {
        if (!tree.object(node, path)) {
            return null;
        }
        tree.onlyKnown(node, path, WHEN_FIELDS);
        String pattern = tree.text(node, "pattern", path);
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                tree.problem(path + ".pattern", "invalid regex: " + e.getDescription() + " near index " + e.getIndex());
            }
        }
        Integer min = tree.integer(node, "minChars", path, 0);
        Integer max = tree.integer(node, "maxChars", path, 0);
        if (min != null && max != null && min > max) {
            tree.problem(path, "minChars " + min + " is more than maxChars " + max + ": the rule never matches");
        }
        String recent = tree.text(node, "recentRoute", path);
        if (recent != null) {
            checkRoute(recent, path + ".recentRoute", routes);
        }
        RuleCondition condition = new RuleCondition(pattern, min, max, tree.bool(node, "hasCode", path),
            tree.bool(node, "question", path), recent);
        if (condition.isEmpty() && !node.fieldNames().hasNext()) {
            tree.problem(path, "has no condition: a rule that matches every turn is what router.default is for");
        }
        return condition;
    }

    private void checkRoute(String route, String path, Set<String> routes) {
        if (!routes.contains(route)) {
            tree.problem(path, "unknown route '" + route + "' (routes: " + String.join(", ", routes) + ")");
        }
    }
}
