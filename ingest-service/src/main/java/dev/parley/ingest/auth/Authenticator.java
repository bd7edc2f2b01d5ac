package dev.parley.ingest.auth;

import dev.parley.avro.ApiKey;
import dev.parley.ingest.kafka.KafkaClientConfigs;
import dev.parley.schemas.topics.CompactedTable;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs before every API route: finds the caller's credential, verifies it and puts the principal on the request
 * ({@link Principals}), or fails the request with 401 (the router answers with {@code WWW-Authenticate: Bearer} and
 * the error in the API's shape) before anything is read or written. Credentials: {@code Authorization: Bearer} with
 * an API key or a JWT (as {@link AuthConfig#modes()} allows), or {@code ?access_token=} with a stream token on the GET
 * stream endpoints only. Also issues stream tokens ({@code POST /v1/stream-tokens}).
 */
public final class Authenticator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    /** The context key of the API key id a request authenticated with (null for a JWT). */
    private static final String KEY_ID = "parley.keyId";
    /** Where a browser cannot send a header: events (SSE), WebSocket, Durable Streams reads. GET and HEAD only. */
    private static final Pattern STREAM_PATHS = Pattern.compile(
            "/v1/sessions/[^/]+/(events|ws|stream|turns/[^/]+/stream)");
    private static final String ACCESS_TOKEN = "access_token";

    private final Vertx vertx;
    private final AuthConfig config;
    private final CompactedTable<ApiKey> keys;
    private final JwtVerifier jwt;
    private final StreamTokens streamTokens;

    /** {@code keys} and {@code jwt} may be null when their mode is off. */
    public Authenticator(Vertx vertx, AuthConfig config, CompactedTable<ApiKey> keys, JwtVerifier jwt,
                         StreamTokens streamTokens) {
        this.vertx = vertx;
        this.config = config;
        this.keys = keys;
        this.jwt = jwt;
        this.streamTokens = streamTokens;
    }

    /**
     * The authenticator {@code config} describes: tails the API keys topic when keys are accepted, reads the JWKS
     * file when JWTs are, and signs stream tokens with the configured secret or, without one, a random one.
     */
    public static Authenticator start(Vertx vertx, AuthConfig config, Map<String, Object> kafka) {
        if (!config.enabled()) {
            log.warn("AUTHENTICATION IS OFF ({}=none): anyone who can reach this gateway can use it; allowed only "
                    + "because it listens on loopback. Set {}=keys (or jwt) before exposing it.", AuthConfig.MODE,
                    AuthConfig.MODE);
        }
        JwtVerifier jwt = config.accepts(AuthConfig.Mode.JWT) ? JwtVerifier.create(config) : null;
        byte[] secret;
        if (config.streamTokenSecret() != null) {
            secret = config.streamTokenSecret().getBytes(StandardCharsets.UTF_8);
        } else {
            secret = StreamTokens.randomSecret();
            if (config.enabled()) {
                log.warn("{} is not set: stream tokens are signed with a random secret of this process and are "
                        + "accepted by this gateway only; set it (the same on every gateway) behind a load balancer",
                        AuthConfig.STREAM_TOKEN_SECRET);
            }
        }
        CompactedTable<ApiKey> keys = config.accepts(AuthConfig.Mode.KEYS) ? keyTable(kafka) : null;
        log.info("Authentication: {}", config.enabled() ? config.modes() : "none");
        return new Authenticator(vertx, config, keys, jwt, new StreamTokens(secret));
    }

    /** Every API key record of the keys topic, in memory: a key created or revoked on any host is seen here. */
    static CompactedTable<ApiKey> keyTable(Map<String, Object> kafka) {
        return CompactedTable.start("api-keys", KafkaClientConfigs.relayConsumer(kafka, "parley-api-keys", true),
                Topics.API_KEYS.name(), Topics.API_KEYS.valueSerde(kafka).deserializer());
    }

    /** Stops tailing the keys topic. */
    @Override
    public void close() {
        if (keys != null) {
            keys.close();
        }
    }

    /** The handler on {@code /v1/*}. */
    public void handle(RoutingContext ctx) {
        if (!config.enabled()) {
            Principals.set(ctx, Principals.ANONYMOUS);
            ctx.next();
            return;
        }
        String bearer = bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        String streamToken = ctx.request().getParam(ACCESS_TOKEN);
        if (bearer == null && streamToken == null) {
            refuse(ctx, new AuthException("send an API key or token as Authorization: Bearer <credential>"));
            return;
        }
        if (bearer == null) {
            HttpMethod method = ctx.request().method();
            if (!(method == HttpMethod.GET || method == HttpMethod.HEAD)
                    || !STREAM_PATHS.matcher(ctx.request().path()).matches()) {
                refuse(ctx, new AuthException("access_token is only accepted on GET event, WebSocket and stream "
                        + "endpoints; send Authorization: Bearer <credential>"));
                return;
            }
        }
        // a JWT may need a JWKS fetch: verify off the event loop, holding the request body until then
        ctx.request().pause();
        Future<Credential> verified = bearer != null ? bearerCredential(bearer) : streamCredential(streamToken);
        verified.onComplete(result -> {
            ctx.request().resume();
            if (result.failed()) {
                refuse(ctx, result.cause());
                return;
            }
            Principals.set(ctx, result.result().principal());
            ctx.put(KEY_ID, result.result().keyId());
            ctx.next();
        });
    }

    /** {@code POST /v1/stream-tokens}: a stream token for the caller, who authenticated with a key or JWT. */
    public void issueStreamToken(RoutingContext ctx) {
        StreamTokens.Issued issued = streamTokens.issue(Principals.of(ctx), ctx.get(KEY_ID));
        ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(new JsonObject().put("token", issued.token()).put("expiresAt", issued.expiresAt().toString())
                        .put("expiresIn", StreamTokens.LIFETIME.toSeconds()).toBuffer());
    }

    private record Credential(String principal, String keyId) {
    }

    private Future<Credential> bearerCredential(String bearer) {
        try {
            if (ApiKeys.looksLikeKey(bearer)) {
                if (keys == null) {
                    throw new AuthException("API keys are not accepted here (PARLEY_AUTH=" + modes() + ")");
                }
                return Future.succeededFuture(keyCredential(bearer));
            }
            if (jwt == null) {
                throw new AuthException("the bearer credential is not an API key (pk_...)");
            }
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return vertx.executeBlocking(() -> new Credential(named(jwt.principalOf(bearer)), null), false);
    }

    private Credential keyCredential(String key) {
        Optional<ApiKey> record = ApiKeys.keyIdOf(key).flatMap(keys::get);
        if (record.isEmpty() && !keys.caughtUp()) {
            throw new NotReadyException();
        }
        if (record.isEmpty() || !ApiKeys.matches(record.get(), key)) {
            throw new AuthException("the API key is not valid");
        }
        if (record.get().getRevokedAt() != null) {
            throw new AuthException("the API key was revoked");
        }
        return new Credential(named(record.get().getPrincipal()), record.get().getKeyId());
    }

    private Future<Credential> streamCredential(String token) {
        try {
            StreamTokens.Claims claims = streamTokens.verify(token);
            if (claims.keyId() != null) {
                ApiKey record = keys == null ? null : keys.get(claims.keyId()).orElse(null);
                if (record == null || record.getRevokedAt() != null) {
                    throw new AuthException("the API key this stream token was issued for is no longer valid");
                }
            }
            return Future.succeededFuture(new Credential(named(claims.principal()), claims.keyId()));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** No credential may claim the principal of unauthenticated requests: it would own their sessions. */
    private static String named(String principal) {
        if (principal == null || principal.isBlank() || Principals.ANONYMOUS.equals(principal)) {
            throw new AuthException("the credential names no principal");
        }
        return principal;
    }

    private static void refuse(RoutingContext ctx, Throwable cause) {
        if (cause instanceof NotReadyException) {
            ctx.fail(503, cause);
        } else if (cause instanceof AuthException) {
            ctx.fail(401, cause);
        } else {
            ctx.fail(cause);
        }
    }

    private String modes() {
        return config.modes().toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "";
        }
        return value.substring(7).trim();
    }

    /** The keys are still being read after a start: an unknown key may yet appear. */
    public static final class NotReadyException extends RuntimeException {
        NotReadyException() {
            super("the gateway is still loading its API keys; retry in a moment", null, false, false);
        }
    }
}
