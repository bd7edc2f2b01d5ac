package dev.parley.postprocess.query;

import dev.parley.schemas.telemetry.MetricsEndpoint;
import dev.parley.avro.EmbeddingIndexed;
import dev.parley.avro.HistorySummary;
import dev.parley.avro.OpenCommitment;
import dev.parley.avro.PrincipalSessions;
import dev.parley.avro.PrincipalUsage;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.TurnSummary;
import dev.parley.avro.UsageTotals;
import dev.parley.postprocess.topology.PrincipalSessionLists;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interactive-query HTTP API: a session's snapshot, semantic search over its turns, and a principal's usage and
 * sessions.
 * Any instance answers any session (or principal): it serves the ones it owns and forwards the rest to their owner (once; a forwarded request that
 * lands on a non-owner during a rebalance gets 503).
 * <pre>
 * GET /sessions/{sid}                  the snapshot as JSON, 404 session_not_found before its first event
 * GET /sessions/{sid}/search?q=..&k=5  the k most similar earlier turns with cosine scores
 * GET /usage/{principal}               the principal's usage totals (zeros for one never seen)
 * GET /principals/{principal}/sessions?limit=50  the principal's sessions, newest first (none for one never seen)
 * GET /health                          the Streams state
 * GET /metrics                         Prometheus metrics (this API is internal: no credential, like the rest)
 * </pre>
 */
public final class QueryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
    static final String FORWARDED = "forwarded";
    public static final int MAX_K = 50;
    public static final int MAX_QUERY_CHARS = 1000;
    /** Sessions listed when the request does not say how many. */
    public static final int DEFAULT_SESSIONS = 50;

    private final Vertx vertx;
    private final HttpServer server;
    private final WebClient client;
    private volatile SessionQueries queries;

    private QueryServer(Vertx vertx, Supplier<String> metrics) {
        this.vertx = vertx;
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2_000).setIdleTimeout(30));
        Router router = Router.router(vertx);
        router.get("/sessions/:sid").handler(this::snapshot);
        router.get("/sessions/:sid/search").handler(this::search);
        router.get("/usage/:principal").handler(this::usage);
        router.get("/principals/:principal/sessions").handler(this::sessions);
        router.get("/health").handler(this::health);
        router.get(MetricsEndpoint.PATH).handler(ctx -> vertx.executeBlocking(metrics::get, false)
            .onSuccess(text -> ctx.response().putHeader("content-type", MetricsEndpoint.CONTENT_TYPE).end(text))
            .onFailure(e -> unavailable(ctx, e)));
        router.route().last().handler(ctx -> error(ctx, 404, "not_found", "no such resource: " + ctx.request().path()));
        // A 1,000-character non-ASCII query percent-encodes to about 12 KB of request line.
        this.server = vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(16_384))
            .requestHandler(router);
    }

    /**
     * Binds {@code host:port} (port 0 picks one) and answers 503 until {@link #serve(SessionQueries)};
     * {@code /metrics} answers with {@code metrics}' text from the start.
     */
    public static QueryServer start(Vertx vertx, String host, int port, Supplier<String> metrics) {
        QueryServer queryServer = new QueryServer(vertx, metrics);
        queryServer.server.listen(port, host).toCompletionStage().toCompletableFuture().join();
        LOG.info("postprocess query API on {}:{}", host, queryServer.port());
        return queryServer;
    }

    public int port() {
        return server.actualPort();
    }

    /** Starts answering from these stores. */
    public void serve(SessionQueries queries) {
        this.queries = queries;
    }

    private void snapshot(RoutingContext ctx) {
        String sid = ctx.pathParam("sid");
        withOwner(ctx, sid, SessionQueries::snapshotOwner, partition -> vertx
            .executeBlocking(() -> queries.snapshot(sid, partition))
            .onSuccess(found -> {
                if (found.isEmpty()) {
                    error(ctx, 404, "session_not_found", "no snapshot of session " + sid + " (yet)");
                } else {
                    json(ctx, 200, toJson(found.get()));
                }
            })
            .onFailure(e -> unavailable(ctx, e)));
    }

    private void search(RoutingContext ctx) {
        String sid = ctx.pathParam("sid");
        String q = ctx.queryParams().get("q");
        if (q == null || q.isBlank()) {
            error(ctx, 400, "missing_query", "q is required: the text to search for");
            return;
        }
        if (q.length() > MAX_QUERY_CHARS) {
            error(ctx, 400, "query_too_long", "q is longer than " + MAX_QUERY_CHARS + " characters");
            return;
        }
        int k = count(ctx, "k", 5, MAX_K);
        if (k < 1) {
            return;
        }
        if (queries != null && !queries.searchEnabled()) {
            error(ctx, 501, "embeddings_disabled", "search needs embeddings; PARLEY_EMBEDDINGS is none");
            return;
        }
        int limit = k;
        withOwner(ctx, sid, SessionQueries::vectorOwner, partition -> vertx
            .executeBlocking(() -> queries.search(sid, partition, q, limit))
            .onSuccess(hits -> {
                JsonArray results = new JsonArray();
                for (SessionQueries.Hit hit : hits) {
                    EmbeddingIndexed item = hit.item();
                    results.add(new JsonObject().put("turnId", item.getTurnId()).put("role", item.getRole())
                        .put("text", item.getText()).put("score", hit.score())
                        .put("eventId", item.getSourceEventId()).put("timestamp", item.getTimestamp().toString()));
                }
                json(ctx, 200, new JsonObject().put("sessionId", sid).put("query", q)
                    .put("model", queries.embeddingModel()).put("results", results));
            })
            .onFailure(e -> unavailable(ctx, e)));
    }

    private void usage(RoutingContext ctx) {
        String principal = ctx.pathParam("principal");
        withOwner(ctx, principal, SessionQueries::usageOwner, partition -> vertx
            .executeBlocking(() -> queries.usage(principal, partition))
            .onSuccess(totals -> json(ctx, 200, toJson(totals)))
            .onFailure(e -> unavailable(ctx, e)));
    }

    private void sessions(RoutingContext ctx) {
        String principal = ctx.pathParam("principal");
        int limit = count(ctx, "limit", DEFAULT_SESSIONS, PrincipalSessionLists.MAX_SESSIONS);
        if (limit < 1) {
            return;
        }
        withOwner(ctx, principal, SessionQueries::sessionsOwner, partition -> vertx
            .executeBlocking(() -> queries.sessions(principal, partition))
            .onSuccess(list -> json(ctx, 200, toJson(list, limit)))
            .onFailure(e -> unavailable(ctx, e)));
    }

    /** The whole-number query parameter {@code name} from 1 to {@code max}, or -1 after answering 400 bad_{name}. */
    private static int count(RoutingContext ctx, String name, int absent, int max) {
        int value;
        try {
            String given = ctx.queryParams().get(name);
            value = given == null ? absent : Integer.parseInt(given);
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 1 || value > max) {
            error(ctx, 400, "bad_" + name, name + " must be a whole number from 1 to " + max);
            return -1;
        }
        return value;
    }

    private void health(RoutingContext ctx) {
        SessionQueries current = queries;
        boolean serving = current != null && !(current.snapshotOwner("-") instanceof SessionQueries.Owner.Unavailable);
        json(ctx, serving ? 200 : 503, new JsonObject().put("status", serving ? "up" : "starting"));
    }

    /** Runs {@code local} with the partition when this instance owns the key, else forwards or answers 503. */
    private void withOwner(RoutingContext ctx, String key,
                           BiFunction<SessionQueries, String, SessionQueries.Owner> ownerOf, IntConsumer local) {
        SessionQueries current = queries;
        SessionQueries.Owner owner = current == null ? new SessionQueries.Owner.Unavailable("starting")
            : ownerOf.apply(current, key);
        if (owner instanceof SessionQueries.Owner.Local here) {
            local.accept(here.partition());
        } else if (owner instanceof SessionQueries.Owner.Remote remote && ctx.queryParams().get(FORWARDED) == null) {
            forward(ctx, remote.host());
        } else {
            String why = owner instanceof SessionQueries.Owner.Unavailable u ? u.why() : "the owner moved";
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
            error(ctx, 503, "not_ready", "cannot answer for " + key + " now: " + why);
        }
    }

    private void forward(RoutingContext ctx, HostInfo owner) {
        String uri = ctx.request().uri() + (ctx.request().uri().contains("?") ? "&" : "?") + FORWARDED + "=1";
        client.get(owner.port(), owner.host(), uri).timeout(10_000).send()
            .onSuccess((HttpResponse<Buffer> response) -> {
                ctx.response().setStatusCode(response.statusCode())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(response.bodyAsBuffer() == null ? Buffer.buffer() : response.bodyAsBuffer());
            })
            .onFailure(e -> {
                ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
                error(ctx, 503, "not_ready", "the instance that owns " + ctx.request().path() + " (" + owner
                    + ") did not answer: " + e.getMessage());
            });
    }

    private static void unavailable(RoutingContext ctx, Throwable e) {
        LOG.warn("Query {} failed: {}", ctx.request().uri(), e.toString());
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
        error(ctx, 503, "not_ready", "the query could not be answered now: " + e.getMessage());
    }

    /** The snapshot as the gateway's {@code GET /v1/sessions/{sid}} returns it. */
    static JsonObject toJson(SessionSnapshot snapshot) {
        JsonObject facts = new JsonObject();
        snapshot.getFacts().forEach(facts::put);
        JsonArray commitments = new JsonArray();
        for (OpenCommitment c : snapshot.getOpenCommitments()) {
            commitments.add(new JsonObject().put("commitmentId", c.getCommitmentId()).put("turnId", c.getTurnId())
                .put("text", c.getText()).put("dueAt", iso(c.getDueAt())).put("createdAt", iso(c.getCreatedAt())));
        }
        JsonArray turns = new JsonArray();
        for (TurnSummary t : snapshot.getRecentTurns()) {
            turns.add(new JsonObject().put("turnId", t.getTurnId()).put("userText", t.getUserText())
                .put("assistantText", t.getAssistantText()).put("status", t.getStatus()));
        }
        HistorySummary summary = snapshot.getSummary();
        return new JsonObject()
            .put("sessionId", snapshot.getSessionId())
            .put("turnCount", snapshot.getTurnCount())
            .put("ledgerPartition", snapshot.getLedgerPartition())
            .put("ledgerOffset", snapshot.getLedgerOffset())
            .put("summary", summary == null ? null : new JsonObject().put("text", summary.getText())
                .put("firstTurnId", summary.getFirstTurnId()).put("lastTurnId", summary.getLastTurnId())
                .put("coveredTurns", summary.getCoveredTurns()).put("summarizer", summary.getSummarizer()))
            .put("facts", facts)
            .put("openCommitments", commitments)
            .put("recentTurns", turns)
            .put("usage", usage(snapshot.getUsage()))
            .put("updatedAt", iso(snapshot.getUpdatedAt()));
    }

    /** A principal's usage as the gateway's {@code GET /v1/usage} returns it. */
    static JsonObject toJson(PrincipalUsage usage) {
        return new JsonObject()
            .put("principal", usage.getPrincipal())
            .put("turns", usage.getTurns())
            .put("completed", usage.getCompleted())
            .put("failed", usage.getFailed())
            .put("cancelled", usage.getCancelled())
            .put("promptTokens", usage.getPromptTokens())
            .put("completionTokens", usage.getCompletionTokens())
            .put("costUsd", usage.getCostUsd())
            .put("estimated", usage.getEstimated());
    }

    /** The newest {@code limit} of a principal's sessions as the gateway's {@code GET /v1/sessions} returns them. */
    static JsonObject toJson(PrincipalSessions list, int limit) {
        JsonArray sessions = new JsonArray();
        list.getSessions().stream().limit(limit).forEach(s -> sessions.add(new JsonObject()
            .put("sessionId", s.getSessionId()).put("createdAt", iso(s.getCreatedAt()))
            .put("firstLine", s.getFirstLine())));
        return new JsonObject().put("principal", list.getPrincipal()).put("sessions", sessions);
    }

    /** null until a turn of the session has ended (and for snapshots made before usage was counted). */
    private static JsonObject usage(UsageTotals usage) {
        return usage == null ? null : new JsonObject().put("promptTokens", usage.getPromptTokens())
            .put("completionTokens", usage.getCompletionTokens()).put("costUsd", usage.getCostUsd())
            .put("estimated", usage.getEstimated());
    }

    private static String iso(Instant at) {
        return at == null ? null : at.toString();
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(body.encode());
    }

    static void error(RoutingContext ctx, int status, String code, String message) {
        json(ctx, status, new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
    }

    @Override
    public void close() {
        client.close();
        server.close().toCompletionStage().toCompletableFuture().join();
    }
}
