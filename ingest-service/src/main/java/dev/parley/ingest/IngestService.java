package dev.parley.ingest;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.TokenChunk;
import dev.parley.ingest.auth.Authenticator;
import dev.parley.ingest.health.ReadinessCheck;
import dev.parley.ingest.health.WorkerPresence;
import dev.parley.ingest.http.ApiRouter;
import dev.parley.ingest.personas.Personas;
import dev.parley.ingest.http.HttpListeners;
import dev.parley.ingest.kafka.KafkaClientConfigs;
import dev.parley.ingest.kafka.TopicLayout;
import dev.parley.ingest.ledger.LedgerLookup;
import dev.parley.ingest.ledger.LedgerWriter;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.ledger.TurnCommits;
import dev.parley.ingest.ledger.TurnIntake;
import dev.parley.ingest.ledger.TurnTracker;
import dev.parley.ingest.postprocess.PostprocessClient;
import dev.parley.ingest.relay.TopicRelay;
import dev.parley.ingest.stream.FeedMetrics;
import dev.parley.ingest.stream.TokenStreams;
import dev.parley.schemas.telemetry.MetricsEndpoint;
import dev.parley.schemas.telemetry.ServiceMetrics;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ingest gateway: HTTP API, SSE and WebSocket streams over the ledger writer and the two topic relays. */
public final class IngestService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestService.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** How long a final chunk may wait for its turn's terminal ledger event before the connection is failed. */
    private static final Duration TERMINAL_WAIT = Duration.ofMinutes(10);

    private final HttpListeners server;
    private final int metricsPort;
    private final TokenStreams streams;
    private final TopicRelay<TokenChunk> tokens;
    private final TopicRelay<LedgerEvent> ledger;
    /** Everything started, closed in reverse order. */
    private final Deque<AutoCloseable> resources;

    private IngestService(HttpListeners server, int metricsPort, TokenStreams streams, TopicRelay<TokenChunk> tokens,
                          TopicRelay<LedgerEvent> ledger, Deque<AutoCloseable> resources) {
        this.server = server;
        this.metricsPort = metricsPort;
        this.streams = streams;
        this.tokens = tokens;
        this.ledger = ledger;
        this.resources = resources;
    }

    /**
     * Starts the Kafka clients and relays, then the HTTP server; returns once it listens. Blocks:
     * never call it on an event loop. Kafka need not be up yet: /health/ready says when it is, and
     * when the members of the worker group ({@link IngestConfig#workerGroup()}) hold every ledger partition.
     */
    public static IngestService start(Vertx vertx, IngestConfig config) {
        return launch(vertx, config, null);
    }

    /**
     * Like {@link #start(Vertx, IngestConfig)}, but /health/ready asks {@code workers} who holds the ledger,
     * e.g. {@link WorkerPresence#local} for the worker in this JVM instead of the worker group.
     */
    public static IngestService start(Vertx vertx, IngestConfig config, WorkerPresence workers) {
        return launch(vertx, config, Objects.requireNonNull(workers, "workers"));
    }

    /** {@code localWorkers} null: the worker group's members, asked through the gateway's admin client. */
    private static IngestService launch(Vertx vertx, IngestConfig config, WorkerPresence localWorkers) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("IngestService.start blocks; call it off the event loop");
        }
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            Map<String, Object> kafka = config.kafka();
            ServiceMetrics metrics = new ServiceMetrics("gateway");
            started.push(metrics);
            Admin admin = Admin.create(KafkaClientConfigs.admin(kafka, "parley-ingest-admin"));
            started.push(admin);
            LedgerWriter writer = new LedgerWriter(new KafkaProducer<>(
                    KafkaClientConfigs.producer(kafka, "parley-ingest-ledger-writer"), new StringSerializer(),
                    Topics.LEDGER.valueSerde(kafka).serializer()), Topics.LEDGER.name());
            started.push(writer);
            writer.bindMetrics(metrics);
            // the worker writes the ledger transactionally: read only what it committed
            TopicRelay<LedgerEvent> ledger = new TopicRelay<>("ledger", Topics.LEDGER.name(),
                    new KafkaConsumer<>(KafkaClientConfigs.relayConsumer(kafka, "parley-ingest-ledger-relay", true)),
                    new KafkaConsumer<>(KafkaClientConfigs.relayConsumer(kafka, "parley-ingest-ledger-offsets", true)),
                    Topics.LEDGER.valueSerde(kafka).deserializer());
            started.push(ledger);
            ledger.bindMetrics(metrics);
            // tokens stream live, before the worker's transaction commits
            TopicRelay<TokenChunk> tokens = new TopicRelay<>("tokens", Topics.TOKENS.name(),
                    new KafkaConsumer<>(KafkaClientConfigs.relayConsumer(kafka, "parley-ingest-tokens-relay", false)),
                    new KafkaConsumer<>(KafkaClientConfigs.relayConsumer(kafka, "parley-ingest-tokens-offsets", false)),
                    Topics.TOKENS.valueSerde(kafka).deserializer());
            started.push(tokens);
            tokens.bindMetrics(metrics);

            PostprocessClient postprocess = new PostprocessClient(vertx, config.postprocessUrl(),
                    config.postprocessTimeout());
            started.push(postprocess);

            Authenticator auth = Authenticator.start(vertx, config.auth(), kafka);
            started.push(auth);

            WorkerPresence workers = localWorkers != null ? localWorkers
                    : WorkerPresence.inGroup(admin, config.workerGroup(), Topics.LEDGER.name());
            LedgerLookup lookup = new LedgerLookup(vertx, ledger);
            TurnTracker tracker = new TurnTracker(writer, lookup);
            TurnCommits commits = new TurnCommits(vertx, tracker, TERMINAL_WAIT);
            TokenStreams streams = new TokenStreams(vertx, tokens, commits, config.clientBufferEvents(),
                    config.clientStall(), new FeedMetrics(metrics.registry()));
            Sessions sessions = new Sessions(new TopicLayout(admin, Topics.LEDGER.name(), Topics.TOKENS.name()),
                    writer, lookup);
            Personas personas = Personas.start(vertx, kafka);
            started.push(personas);
            ApiRouter.Parts parts = new ApiRouter.Parts(sessions, personas,
                    new TurnIntake(writer, lookup, sessions, config.clientTurnWindow()),
                    tracker,
                    commits,
                    streams,
                    new ReadinessCheck(admin, Topics.all(), Topics.LEDGER.name(), workers),
                    postprocess,
                    auth);

            int frameLimit = (int) Math.min(Integer.MAX_VALUE, ApiRouter.bodyLimit(config));
            HttpServerOptions options = new HttpServerOptions()
                    .setHost(config.bindHost())
                    .setMaxInitialLineLength(ApiRouter.maxRequestLine())
                    .setMaxWebSocketFrameSize(frameLimit)
                    .setMaxWebSocketMessageSize(frameLimit);
            // over HTTP/2 (h2c upgrade, e.g. Java's HttpClient) the path counts towards the header list
            options.getInitialSettings().setMaxHeaderListSize(
                    ApiRouter.maxRequestLine() + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE);
            int metricsPort = -1;
            int eventLoops = Runtime.getRuntime().availableProcessors();
            HttpListeners server = await(HttpListeners.listen(vertx, options, ApiRouter.create(vertx, config, parts),
                    config.httpPort(), eventLoops));
            started.push(() -> await(server.close()));
            if (config.metricsPort() >= 0) {
                MetricsEndpoint endpoint = MetricsEndpoint.start("gateway", metrics::scrape, config.bindHost(),
                        config.metricsPort(), IngestConfig.METRICS_PORT);
                started.push(endpoint);
                metricsPort = endpoint.port();
            }
            log.info("Ingest service listening on {}:{} on {} event loops (Kafka {}, schema registry {}, "
                    + "postprocess {})", config.bindHost(), server.port(), eventLoops, kafka.get("bootstrap.servers"),
                    kafka.get("schema.registry.url"), config.postprocessUrl());
            return new IngestService(server, metricsPort, streams, tokens, ledger, started);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /** The port the HTTP API listens on. */
    public int port() {
        return server.port();
    }

    /** The port of {@code /metrics}, or -1 when it is off. */
    public int metricsPort() {
        return metricsPort;
    }

    /** Connections closed with slow_consumer since start. */
    public long slowClientsClosed() {
        return streams.slowClientsClosed();
    }

    /** Chunks the tokens relay could not decode and skipped. */
    public long undecodableTokenRecords() {
        return tokens.undecodableRecords();
    }

    /** Stops listening first, then the postprocess client, the relays, the ledger writer and the admin client. */
    @Override
    public void close() {
        closeAll(resources);
        log.info("Ingest service on port {} stopped", server.port());
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("Closing {} failed", resource, e);
            }
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture()
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + START_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
