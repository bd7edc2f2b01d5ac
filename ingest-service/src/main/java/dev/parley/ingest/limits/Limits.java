package dev.parley.ingest.limits;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.http.JsonResponses;
import dev.parley.ingest.openai.OpenAiApi;
import io.github.bucket4j.TimeMeter;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every principal's limits on this gateway: requests per second (checked by {@link #checkRequest}, a route handler
 * in front of the API, after authentication), turns per minute and generations ({@link Quota#admitTurn}), streams
 * ({@link Quota#openStream}) and sessions ({@link Quota#reserveSession}), each refused with 429 before anything is
 * written. Rates are Bucket4j token buckets kept in memory; with several gateways each enforces its share
 * ({@link LimitsConfig#gateways()}).
 */
public final class Limits {

    private final LimitsConfig config;
    private final TurnEnds turnEnds;
    private final TimeMeter clock;
    private final Map<String, Quota> quotas = new ConcurrentHashMap<>();

    public Limits(LimitsConfig config, TurnEnds turnEnds) {
        this(config, turnEnds, TimeMeter.SYSTEM_NANOTIME);
    }

    Limits(LimitsConfig config, TurnEnds turnEnds, TimeMeter clock) {
        this.config = config;
        this.turnEnds = turnEnds;
        this.clock = clock;
    }

    /** The principal's quota on this gateway. */
    public Quota of(String principal) {
        return quotas.computeIfAbsent(principal, p -> new Quota(p, config.forPrincipal(p), this, clock));
    }

    /** The request's principal's quota. */
    public Quota of(RoutingContext ctx) {
        return of(Principals.of(ctx));
    }

    /** Route handler: counts the request against its principal's requests per second, or answers 429. */
    public void checkRequest(RoutingContext ctx) {
        try {
            of(ctx).takeRequest();
        } catch (ApiException e) {
            refuse(ctx, e);
            return;
        }
        ctx.next();
    }

    /** Answers a refusal in the shape of the API the path belongs to. */
    public static void refuse(RoutingContext ctx, ApiException error) {
        if (OpenAiApi.owns(ctx.request().path())) {
            OpenAiApi.fail(ctx.response(), error);
        } else {
            JsonResponses.fail(ctx, error);
        }
    }

    Future<Void> awaitEnd(String sessionId, int partition, String turnId) {
        return turnEnds.await(sessionId, partition, turnId);
    }
}
