package dev.parley.worker.turns;

import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.RouterSettings;
import dev.parley.worker.resilience.Backends;
import dev.parley.worker.routing.RecentRoutes;
import dev.parley.worker.routing.RouteDecision;
import dev.parley.worker.routing.Router;
import dev.parley.worker.routing.TurnFacts;
import java.util.List;

/**
 * Plans each turn: the router picks its route, the context builder reads its context, and the session's persona block
 * goes first.
 */
public final class RoutePlanner {

    private final Catalogue catalogue;
    private final Router router;
    private final RecentRoutes recent;
    private final Backends backends;
    private final ContextBuilder contextBuilder;
    private final PersonaCache personas;

    public RoutePlanner(Catalogue catalogue, Router router, RecentRoutes recent, Backends backends,
                        ContextBuilder contextBuilder, PersonaCache personas) {
        this.catalogue = catalogue;
        this.router = router;
        this.recent = recent;
        this.backends = backends;
        this.contextBuilder = contextBuilder;
        this.personas = personas;
    }

    /**
     * Blocking (the context may need a ledger read): call it on a starter thread.
     *
     * @throws RuntimeException whose message is the turn's failure reason: an unknown route, an unreadable context,
     *                          an unknown persona
     */
    RoutePlan plan(TurnTask task) {
        RouteDecision decision = router.decide(new TurnFacts(task.userText(), task.requestedRoute(), task.spotlight(),
            recent.of(task.sessionId())));
        recent.record(task.sessionId(), decision.route());
        List<ChatMessage> context;
        try {
            context = contextBuilder.build(task);
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not build the context: " + e.getMessage(), e);
        }
        PersonaPrefix persona = personas.prefixFor(task.persona());
        boolean spotlight = task.spotlight() || RouterSettings.SPOTLIGHT.equals(decision.rule());
        return new RoutePlan(decision, catalogue.routes().get(decision.route()), backends::get,
            persona.prepend(context), task.userText(), spotlight, persona.ref());
    }
}
