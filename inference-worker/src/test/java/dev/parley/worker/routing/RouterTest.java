package dev.parley.worker.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.Route;
import dev.parley.worker.catalogue.RouteRule;
import dev.parley.worker.catalogue.RouterSettings;
import dev.parley.worker.catalogue.RuleCondition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RouterTest {

    /** The rules of docs/backends.example.yaml. */
    static final List<RouteRule> RULES = List.of(
        new RouteRule("code", new RuleCondition(null, null, null, true, null, null), "deep"),
        new RouteRule("long", new RuleCondition(null, 1200, null, null, null, null), "deep"),
        new RouteRule("small-talk", new RuleCondition("(?i)^(hi|hello|thanks|ok)\\b", null, 80, null, null, null),
            "default"),
        new RouteRule("why-how", new RuleCondition("(?i)\\b(why|how|explain|compare)\\b", null, null, null, true,
            null), "deep"),
        new RouteRule("sticky-deep", new RuleCondition(null, null, null, null, null, "deep"), "deep"));

    private final Router router = new Router(catalogue(new RouterSettings("default", "deep", RULES)));

    static Catalogue catalogue(RouterSettings settings) {
        BackendConfig local = BackendConfig.of("http://localhost:8090/v1", "m").withName("local");
        Map<String, Route> routes = new LinkedHashMap<>();
        routes.put("default", Route.of("default", List.of("local")));
        routes.put("deep", Route.of("deep", List.of("local")));
        routes.put("staged", Route.of("staged", List.of("local")));
        return new Catalogue(Map.of("local", local), routes, settings);
    }

    @Test
    @DisplayName("a requested route wins over spotlight and every rule")
    void requested() {
        assertEquals(new RouteDecision("staged", "requested"),
            router.decide(new TurnFacts("```java\nint x;\n```", "staged", true, List.of("deep"))));
    }

    @Test
    @DisplayName("an unknown requested route is refused listing the known routes")
    void unknownRequested() {
        UnknownRouteException e = assertThrows(UnknownRouteException.class,
            () -> router.decide(new TurnFacts("hi", "turbo", false, List.of())));
        assertEquals("unknown route 'turbo'; known routes: default, deep, staged, local", e.getMessage());
        assertEquals("turbo", e.route());
    }

    @Test
    @DisplayName("a spotlight turn takes the spotlight route, or the default when none is set")
    void spotlight() {
        assertEquals(new RouteDecision("deep", "spotlight"), router.decide(new TurnFacts("hi", null, true, null)));
        Router withoutSpotlight = new Router(catalogue(new RouterSettings("default", null, RULES)));
        assertEquals(new RouteDecision("default", "spotlight"),
            withoutSpotlight.decide(new TurnFacts("why?", null, true, null)));
    }

    @Test
    @DisplayName("code in a fence, an indented block or code punctuation takes rule code")
    void code() {
        assertEquals(rule("code", "deep"), decide("Look:\n```\nls -la\n```"));
        assertEquals(rule("code", "deep"), decide("This fails:\n    x = compute(y)\nany idea"));
        assertEquals(rule("code", "deep"), decide("why does foo(); crash"));
        assertEquals(rule("code", "deep"), decide("list.map(x => x * 2) is slow"));
        assertEquals(rule("code", "deep"), decide("\tgo build ./..."));
        assertEquals(rule("code", "deep"), decide("the template ends with </div> twice"));
        assertEquals(new RouteDecision("default", "default"), decide("I am (quite) sure; a = b, see {this}"));
    }

    @Test
    @DisplayName("a text of 1200 characters or more takes rule long")
    void longText() {
        assertEquals(rule("long", "deep"), decide("a".repeat(1200)));
        assertEquals(new RouteDecision("default", "default"), decide("a".repeat(1199)));
    }

    @Test
    @DisplayName("a short greeting takes rule small-talk; a long one does not")
    void smallTalk() {
        assertEquals(rule("small-talk", "default"), decide("Hello there"));
        assertEquals(rule("small-talk", "default"), decide("thanks!"));
        assertEquals(new RouteDecision("default", "default"), decide("hello " + "and more ".repeat(10)));
    }

    @Test
    @DisplayName("a why/how question takes rule why-how; the same words without a question do not")
    void whyHow() {
        assertEquals(rule("why-how", "deep"), decide("Why is Kafka ordered per partition?"));
        assertEquals(rule("why-how", "deep"), decide("how do transactions work"));
        assertEquals(rule("why-how", "deep"), decide("Can you compare Raft and Paxos"));
        assertEquals(new RouteDecision("default", "default"), decide("Explain it to me like I am five."));
    }

    @Test
    @DisplayName("a session that recently took route deep stays on it (rule sticky-deep)")
    void recentRoute() {
        assertEquals(rule("sticky-deep", "deep"),
            router.decide(new TurnFacts("and the second point", null, false, List.of("default", "default", "deep"))));
        assertEquals(new RouteDecision("default", "default"),
            router.decide(new TurnFacts("and the second point", null, false, List.of("default", "staged"))));
    }

    @Test
    @DisplayName("rules are tried in order: the first match wins")
    void firstMatchWins() {
        // matches code (first), long and why-how
        assertEquals(rule("code", "deep"), decide("why does this fail? foo();" + " x".repeat(700)));
    }

    @Test
    @DisplayName("a turn no rule matches takes the default route")
    void defaultRoute() {
        assertEquals(new RouteDecision("default", "default"), decide("Tell me a story about a lighthouse."));
        assertEquals(new RouteDecision("default", "default"), decide(""));
    }

    @Test
    @DisplayName("patterns scan only the first SCAN_CHARS characters; lengths count them all")
    void scanCap() {
        Router tail = new Router(catalogue(new RouterSettings("default", null, List.of(
            new RouteRule("needle", new RuleCondition("needle", null, null, null, null, null), "deep")))));
        assertEquals(new RouteDecision("deep", "needle"), tail.decide(TurnFacts.of("needle")));
        assertEquals(new RouteDecision("default", "default"),
            tail.decide(TurnFacts.of("x".repeat(Router.SCAN_CHARS) + "needle")));
    }

    @Test
    @DisplayName("the single-backend catalogue routes every turn to default")
    void single() {
        Router single = new Router(Catalogue.single(BackendConfig.of("http://localhost:8090/v1", "m")));
        assertEquals(new RouteDecision("default", "default"), single.decide(TurnFacts.of("why? foo();")));
        assertEquals(new RouteDecision("default", "spotlight"), single.decide(new TurnFacts("x", null, true, null)));
    }

    private RouteDecision decide(String text) {
        return router.decide(TurnFacts.of(text));
    }

    private static RouteDecision rule(String name, String route) {
        return new RouteDecision(route, name);
    }
}
