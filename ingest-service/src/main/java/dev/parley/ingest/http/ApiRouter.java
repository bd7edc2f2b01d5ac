package dev.parley.ingest.http;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.auth.Authenticator;
import dev.parley.ingest.durable.DurableStreamHandler;
import dev.parley.ingest.health.ReadinessCheck;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.ledger.TurnCommits;
import dev.parley.ingest.ledger.TurnIntake;
import dev.parley.ingest.ledger.TurnTracker;
import dev.parley.ingest.limits.Limits;
import dev.parley.ingest.limits.TurnEnds;
import dev.parley.ingest.openai.OpenAiApi;
import dev.parley.ingest.personas.Personas;
import dev.parley.ingest.postprocess.PostprocessClient;
import dev.parley.ingest.stream.TokenStreams;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

/** Every route of the gateway's HTTP API, the health checks and the static chat page. */
public final class ApiRouter {

    /** What the routes need from the rest of the gateway. */
    public record Parts(Sessions sessions, Personas personas, TurnIntake intake, TurnTracker tracker,
                        TurnCommits commits, TokenStreams streams,
                        ReadinessCheck readiness, PostprocessClient postprocess, Authenticator auth) {
    }

    /** Where the WebJars on the classpath keep their files; served under {@code /assets/}. */
    private static final String WEBJARS = "META-INF/resources/webjars";
    private static final long ASSET_MAX_AGE_SECONDS = 365L * 24 * 3600;

    private ApiRouter() {
    }

    /**
     * The largest request body read: the turn limit with room for JSON escapes (up to six bytes per
     * byte of text). Anything larger is refused with 413 before it is read.
     */
    public static long bodyLimit(IngestConfig config) {
        return config.maxTurnBytes() * 6L + 4_096;
    }

    /**
     * The longest request line read: a search query of the longest length, every character four UTF-8 bytes
     * percent-encoded as three characters each, plus room for the path and k. Longer ones are refused before routing.
     */
    public static int maxRequestLine() {
        return SearchRequest.MAX_QUERY_CHARS * 4 * 3 + 4_096;
    }

    public static Router create(Vertx vertx, IngestConfig config, Parts parts) {
        Limits limits = new Limits(config.limits(), TurnEnds.inLedger(parts.commits()));
        SessionHandlers sessions = new SessionHandlers(parts.sessions(), parts.personas(), limits);
        PersonaHandlers personas = new PersonaHandlers(parts.personas());
        TurnHandlers turns = new TurnHandlers(parts.sessions(), parts.intake(), parts.tracker(),
                config.maxTurnBytes(), limits);
        BatchHandlers batches = new BatchHandlers(parts.sessions(), parts.intake(), config.maxTurnBytes(),
                config.batchMaxAgents(), limits);
        EventStreamHandler events = new EventStreamHandler(vertx, parts.sessions(), parts.streams(),
                config.sseHeartbeat(), limits);
        WebSocketHandler webSockets = new WebSocketHandler(vertx, parts.sessions(), parts.intake(), parts.streams(),
                config.maxTurnBytes(), limits);
        HealthHandlers health = new HealthHandlers(parts.readiness());
        SessionViewHandlers views = new SessionViewHandlers(parts.sessions(), parts.postprocess());
        PrincipalViewHandlers mine = new PrincipalViewHandlers(parts.postprocess());
        OpenAiApi openAi = new OpenAiApi(vertx, parts.sessions(), parts.intake(), parts.tracker(), parts.streams(),
                config.models(), config.maxTurnBytes(), config.sseHeartbeat(), limits);

        Router router = Router.router(vertx);
        // first: a request without valid credentials is refused before its body is read or anything is written
        router.route("/v1/*").handler(parts.auth()::handle);
        router.post("/v1/*").handler(BodyHandler.create(false).setBodyLimit(bodyLimit(config)));
        router.put("/v1/personas/:name").handler(BodyHandler.create(false).setBodyLimit(PersonaHandlers.bodyLimit()));
        // after authentication, before every API route: the request counts against its principal's rate
        router.route("/v1/*").handler(limits::checkRequest);
        router.post("/v1/stream-tokens").handler(parts.auth()::issueStreamToken);
        router.post("/v1/sessions").handler(sessions::create);
        router.get("/v1/sessions").handler(mine::sessions);
        router.get("/v1/sessions/:sid").handler(views::view);
        router.get("/v1/sessions/:sid/search").handler(views::search);
        router.post("/v1/sessions/:sid/turns").handler(turns::submit);
        router.get("/v1/sessions/:sid/turns/:turnId").handler(turns::status);
        router.post("/v1/sessions/:sid/turns/:turnId/cancel").handler(turns::cancel);
        router.post("/v1/batches/turns").handler(batches::submit);
        router.get("/v1/sessions/:sid/events").handler(events::handle);
        router.get("/v1/sessions/:sid/ws").handler(webSockets::handle);
        router.get("/v1/usage").handler(mine::usage);
        router.put("/v1/personas/:name").handler(personas::put);
        router.get("/v1/personas/:name").handler(personas::get);
        router.post("/v1/chat/completions").handler(openAi::chatCompletions);
        router.get("/v1/models").handler(openAi::models);
        DurableStreamHandler.mount(router, vertx, parts.sessions(), parts.tracker(), parts.streams(),
                config.sseHeartbeat(), limits);
        router.get("/health/live").handler(health::live);
        router.get("/health/ready").handler(health::ready);
        // the page's libraries from their WebJars: the version is in the path, so a browser may keep them for good
        router.get("/assets/*").handler(StaticHandler.create(WEBJARS).setCachingEnabled(true)
                .setMaxAgeSeconds(ASSET_MAX_AGE_SECONDS));
        // the page itself is checked on every load, so an upgraded gateway's page is seen at once
        router.get("/*").handler(ctx -> {
            ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
            ctx.next();
        });
        router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));

        RouterErrors.mount(router, bodyLimit(config));
        return router;
    }
}
