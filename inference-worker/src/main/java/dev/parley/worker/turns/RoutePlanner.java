package dev.parley.worker.turns;

import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.Route;
import dev.parley.worker.catalogue.RouterSettings;
import dev.parley.worker.compress.CompressionMetrics;
import dev.parley.worker.compress.ContextCompressor;
import dev.parley.worker.compress.TokenCounter;
import dev.parley.worker.resilience.Backends;
import dev.parley.worker.routing.RecentRoutes;
import dev.parley.worker.routing.RouteDecision;
import dev.parley.worker.routing.Router;
import dev.parley.worker.routing.TurnFacts;
import dev.parley.worker.catalogue.Route;
import java.util.ArrayList;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans each turn or batch call: the router picks its route, the context builder reads its context, a route that
 * asks for it ({@code compress} in the catalogue) gets that context compressed (each agent's, in a batch call; other
 * routes get it as built, byte for byte), and the session's persona block goes first.
 */
public final class RoutePlanner {

    private static final Logger log = LoggerFactory.getLogger(RoutePlanner.class);

    private final Catalogue catalogue;
    private final Router router;
    private final RecentRoutes recent;
    private final Backends backends;
    private final ContextBuilder contextBuilder;
    private final boolean batching;
    private final Map<String, ContextCompressor> compressors;
    private final CompressionMetrics compressionMetrics;
    private final PersonaCache personas;

    /** Compression's meters ({@link CompressionMetrics}) go to {@code registry}. */
    public RoutePlanner(Catalogue catalogue, Router router, RecentRoutes recent, Backends backends,
                        ContextBuilder contextBuilder, PersonaCache personas, MeterRegistry registry) {
        this.catalogue = catalogue;
        this.router = router;
        this.recent = recent;
        this.backends = backends;
        this.contextBuilder = contextBuilder;
        this.personas = personas;
        this.batching = catalogue.routes().values().stream().anyMatch(route -> route.batch() != null);
        this.compressors = compressors(catalogue);
        this.compressionMetrics = new CompressionMetrics(registry);
    }

    /** A compressor per route that asks for one, counting tokens for every backend the route may call. */
    private static Map<String, ContextCompressor> compressors(Catalogue catalogue) {
        Map<String, ContextCompressor> compressors = new HashMap<>();
        for (Route route : catalogue.routes().values()) {
            if (route.compress() == null) {
                continue;
            }
            TokenCounter counter = TokenCounter.forBackends(route.backends().stream()
                .map(catalogue.backends()::get).toList());
            compressors.put(route.name(), new ContextCompressor(route.compress().budgetTokens(), counter));
            log.info("Route {} compresses its contexts to {} tokens, counted with {}", route.name(),
                route.compress().budgetTokens(), counter);
        }
        return compressors;
    }

    /**
     * Blocking (the context may need a ledger read): call it on a starter thread.
     *
     * @throws RuntimeException whose message is the turn's failure reason: an unknown route, an unreadable context,
     *                          an unknown persona
     */
    RoutePlan plan(TurnTask task) {
        RouteDecision decision = decide(task);
        List<ChatMessage> context;
        try {
            context = contextBuilder.build(task);
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not build the context: " + e.getMessage(), e);
        }
        ContextCompressor compressor = compressors.get(decision.route());
        if (compressor != null) {
            context = compressed(compressor, decision.route(), task, context);
        }
        PersonaPrefix persona = personas.prefixFor(task.persona());
        boolean spotlight = task.spotlight() || RouterSettings.SPOTLIGHT.equals(decision.rule());
        return new RoutePlan(decision, catalogue.routes().get(decision.route()), backends::get,
            persona.prepend(context), task.userText(), spotlight, persona.ref(), task.generation());
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
        for (TurnTask task : tasks.subList(1, tasks.size())) {
            if (task.decided() == null) { // the route the turn takes, in its session's recent routes as any turn's
                recent.record(task.sessionId(), decision.route());
            }
            task.decided(decision);
        }
        List<List<ChatMessage>> contexts = new ArrayList<>();
        for (TurnTask task : tasks) {
            List<ChatMessage> context;
            try {
                context = contextBuilder.build(task);
            } catch (RuntimeException e) {
                throw new IllegalStateException("could not build the context of session " + task.sessionId() + ": "
                    + e.getMessage(), e);
            }
            ContextCompressor compressor = compressors.get(decision.route());
            contexts.add(compressor == null ? context : compressed(compressor, decision.route(), task, context));
        }
        boolean spotlight = tasks.stream().anyMatch(TurnTask::spotlight)
            || RouterSettings.SPOTLIGHT.equals(decision.rule());
        // one persona for all: its block goes first; agents of different personas share no block
        List<String> named = tasks.stream().map(TurnTask::persona).distinct().toList();
        PersonaPrefix persona = named.size() == 1 ? personas.prefixFor(named.get(0)) : PersonaPrefix.NONE;
        contexts.replaceAll(persona::prepend);
        return BatchPlan.of(decision, route(decision), backends::get, tasks, contexts, spotlight, persona.ref());
    }

    /** The compressed context; the context as built (and the cause logged) should compression ever fail. */
    private List<ChatMessage> compressed(ContextCompressor compressor, String route, TurnTask task,
                                         List<ChatMessage> context) {
        ContextCompressor.Compressed result;
        try {
            result = compressor.compress(context);
        } catch (RuntimeException e) {
            log.error("Turn {} on route {}: compressing its context failed, sent as built", task.turnId(), route, e);
            return context;
        }
        compressionMetrics.record(route, result);
        if (result.overBudget()) {
            log.warn("Turn {} on route {}: its system prefix and newest turn alone are {} tokens, over the budget of {}"
                + " ({}); sent as compressed", task.turnId(), route, result.tokensAfter(), compressor.budgetTokens(),
                compressor.counter());
        }
        log.debug("Turn {} on route {}: context {} -> {} tokens ({}), {} -> {} chars, {} earlier messages dropped",
            task.turnId(), route, result.tokensBefore(), result.tokensAfter(), compressor.counter(),
            result.charsBefore(), result.charsAfter(), result.dropped());
        return result.messages();
    }
}
