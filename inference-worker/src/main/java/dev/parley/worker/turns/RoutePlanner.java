package dev.parley.worker.turns;

import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.RouterSettings;
import dev.parley.worker.resilience.Backends;
import dev.parley.worker.routing.RecentRoutes;
import dev.parley.worker.routing.RouteDecision;
import dev.parley.worker.routing.Router;
import dev.parley.worker.routing.TurnFacts;
import dev.parley.worker.catalogue.Route;
import java.util.ArrayList;
import java.util.List;

/** Plans each turn or batch call: the router picks its route, the context builder reads its context. */
public final class RoutePlanner {

    private final Catalogue catalogue;
    private final Router router;
    private final RecentRoutes recent;
    private final Backends backends;
    private final ContextBuilder contextBuilder;
    private final boolean batching;

    public RoutePlanner(Catalogue catalogue, Router router, RecentRoutes recent, Backends backends,
                        ContextBuilder contextBuilder) {
        this.catalogue = catalogue;
        this.router = router;
        this.recent = recent;
        this.backends = backends;
        this.contextBuilder = contextBuilder;
        this.batching = catalogue.routes().values().stream().anyMatch(route -> route.batch() != null);
    }

    /**
     * Blocking (the context may need a ledger read): call it on a starter thread.
     *
     * @throws RuntimeException whose message is the turn's failure reason: an unknown route, an unreadable context
     */
    RoutePlan plan(TurnTask task) {
        RouteDecision decision = decide(task);
        List<ChatMessage> context;
        try {
            context = contextBuilder.build(task);
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not build the context: " + e.getMessage(), e);
        }
        boolean spotlight = task.spotlight() || RouterSettings.SPOTLIGHT.equals(decision.rule());
        return new RoutePlan(decision, catalogue.routes().get(decision.route()), backends::get, context,
            task.userText(), spotlight);
    }

    /**
     * The turn's route, decided once (the batcher may decide it before the turn starts); fast, never blocks.
     *
     * @throws dev.parley.worker.routing.UnknownRouteException when the turn asks for a route there is not
     */
    RouteDecision decide(TurnTask task) {
        RouteDecision decision = task.decided();
        if (decision == null) {
            decision = router.decide(new TurnFacts(task.userText(), task.requestedRoute(), task.spotlight(),
                recent.of(task.sessionId())));
            recent.record(task.sessionId(), decision.route());
            task.decided(decision);
        }
        return decision;
    }

    /** True when some route gathers its turns into batch calls. */
    boolean batchesAnyRoute() {
        return batching;
    }

    /** The route a decision names. */
    Route route(RouteDecision decision) {
        return catalogue.routes().get(decision.route());
    }

    /**
     * Plans one batch call for {@code tasks} (in the order the prompt lists them): the first turn's route, and each
     * agent's entry with its session's recent history. Blocking (the contexts may need ledger reads).
     *
     * @throws RuntimeException whose message is the reason every turn of the call fails
     */
    BatchPlan planBatch(List<TurnTask> tasks) {
        RouteDecision decision = decide(tasks.get(0));
        tasks.forEach(task -> task.decided(decision));
        List<List<ChatMessage>> contexts = new ArrayList<>();
        for (TurnTask task : tasks) {
            try {
                contexts.add(contextBuilder.build(task));
            } catch (RuntimeException e) {
                throw new IllegalStateException("could not build the context of session " + task.sessionId() + ": "
                    + e.getMessage(), e);
            }
        }
        boolean spotlight = tasks.stream().anyMatch(TurnTask::spotlight)
            || RouterSettings.SPOTLIGHT.equals(decision.rule());
        return BatchPlan.of(decision, route(decision), backends::get, tasks, contexts, spotlight);
    }
}
