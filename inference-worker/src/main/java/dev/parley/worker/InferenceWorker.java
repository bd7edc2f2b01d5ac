package dev.parley.worker;

import dev.parley.schemas.telemetry.MetricsEndpoint;
import dev.parley.schemas.telemetry.ServiceMetrics;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.LlmBackend;
import dev.parley.worker.backend.HttpBackend;
import dev.parley.worker.backend.BackendKind;
import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.CatalogueProbe;
import dev.parley.worker.resilience.Backends;
import dev.parley.worker.routing.RecentRoutes;
import dev.parley.worker.routing.Router;
import dev.parley.worker.turns.RoutePlanner;
import dev.parley.worker.turns.TurnConsumer;
import dev.parley.worker.turns.TurnMetrics;
import dev.parley.worker.turns.WorkerClients;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference worker's composition root: builds the backends of the catalogue (each behind its breaker and
 * bulkhead), the router, the Kafka clients and the turn consumer, hands each what it needs, and closes them in
 * reverse order.
 */
public final class InferenceWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InferenceWorker.class);

    private final TurnConsumer turns;
    private final WorkerClients clients;
    private final Backends backends;
    private final ServiceMetrics registry;
    private final MetricsEndpoint metrics;
    private boolean closed;

    private InferenceWorker(TurnConsumer turns, WorkerClients clients, Backends backends,
                            ServiceMetrics registry, MetricsEndpoint metrics) {
        this.turns = turns;
        this.clients = clients;
        this.backends = backends;
        this.registry = registry;
        this.metrics = metrics;
    }

    /** Starts with an HTTP client per backend of the config's catalogue; does not close the given Vert.x. */
    public static InferenceWorker start(Vertx vertx, WorkerConfig config) {
        return start(vertx, config, backend -> HttpBackend.create(vertx, backend));
    }

    /** Starts with the backend clients {@code clientFor} builds (tests wrap them to observe calls). */
    public static InferenceWorker start(Vertx vertx, WorkerConfig config, Function<BackendConfig, LlmBackend> clientFor) {
        Catalogue catalogue = config.catalogue();
        CatalogueProbe.probe(vertx, catalogue); // loud about a backend that is down, never fatal: its breaker copes
        ServiceMetrics registry = new ServiceMetrics("worker");
        Backends backends = new Backends(catalogue.backends().values(), clientFor, vertx, registry.registry(),
            config.spotlightJumpsQueue());
        WorkerClients clients = new WorkerClients(config);
        clients.bindMetrics(registry);
        RoutePlanner planner = new RoutePlanner(catalogue, new Router(catalogue), new RecentRoutes(), backends,
            clients.contextBuilder(), clients.personas(), registry.registry());
        TurnConsumer turns = new TurnConsumer(config, vertx, clients, planner, new TurnMetrics(registry.registry(),
            backend -> catalogue.backends().containsKey(backend)
                && catalogue.backends().get(backend).kind() != BackendKind.OLLAMA));
        MetricsEndpoint metrics = null;
        try {
            metrics = config.metricsPort() < 0 ? null
                : MetricsEndpoint.start("worker", registry::scrape, config.metricsHost(), config.metricsPort(),
                    WorkerConfig.METRICS_PORT);
            turns.start();
        } catch (RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            clients.close();
            backends.close();
            registry.close();
            throw e;
        }
        log.info("Inference worker {} started (group {}, backends {}, routes {})", config.workerId(),
            config.groupId(), catalogue.backends().keySet(), catalogue.routes().keySet());
        return new InferenceWorker(turns, clients, backends, registry, metrics);
    }

    /** The ledger partitions this worker owns right now. */
    public Set<Integer> assignedPartitions() {
        return turns.assignedPartitions();
    }

    /** The ledger offset covered by the session's newest snapshot this worker has read, or -1 (for tests). */
    public long snapshotOffset(String sessionId) {
        return turns.snapshotOffset(sessionId);
    }

    /** Generations streaming right now. */
    public int generating() {
        return turns.generating();
    }

    /** The catalogue's backends, with their breakers and queues (for tests and operators). */
    public Backends backends() {
        return backends;
    }

    /** The port of the metrics endpoint, or -1 when it is off. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    /** Stops like a process that died, writing and committing nothing more (for fail-over tests). */
    public void crash() {
        turns.crash();
        closeRest();
    }

    @Override
    public void close() {
        turns.close();
        closeRest();
    }

    private synchronized void closeRest() {
        if (closed) {
            return;
        }
        closed = true;
        if (metrics != null) {
            metrics.close();
        }
        clients.close();
        backends.close();
        registry.close();
    }
}
