package dev.parley.ingest.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.ApiException;
import dev.parley.schemas.config.Env;
import io.github.bucket4j.TimeMeter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Limits keep each principal to its own limits, from the environment and the limits file")
class LimitsTest {

    /** A clock the test moves. */
    private static final class Clock implements TimeMeter {
        long nanos;

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        void advanceMillis(long millis) {
            nanos += TimeUnit.MILLISECONDS.toNanos(millis);
        }
    }

    private final Clock clock = new Clock();
    private final Map<String, Promise<Void>> ends = new HashMap<>();
    private final TurnEnds turnEnds = (sessionId, partition, turnId) -> {
        Promise<Void> end = Promise.promise();
        ends.put(turnId, end);
        return end.future();
    };

    private Limits limits(Map<String, String> env) {
        Env settings = new Env(env);
        LimitsConfig config = LimitsConfig.fromEnvironment(settings);
        settings.validate();
        return new Limits(config, turnEnds, clock);
    }

    @Test
    @DisplayName("the file's principal gets its own limits; every other principal the environment's")
    void twoPrincipals(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("limits.yaml"),
                "principals:\n  alice: {requestsPerSecond: 2, sessions: 1}\n");
        Limits limits = limits(Map.of(LimitsConfig.REQUESTS_PER_SECOND, "4", LimitsConfig.FILE, file.toString()));
        Quota alice = limits.of("alice");
        Quota bob = limits.of("bob");
        assertEquals(new LimitSettings(2, LimitsConfig.DEFAULTS.turnsPerMinute(), LimitsConfig.DEFAULTS.streams(),
                LimitsConfig.DEFAULTS.generations(), 1), alice.limits());
        assertEquals(4, bob.limits().requestsPerSecond());

        alice.takeRequest();
        alice.takeRequest();
        ApiException refused = assertThrows(ApiException.class, alice::takeRequest);
        assertEquals(429, refused.status());
        assertEquals("rate_limited", refused.code());
        for (int i = 0; i < 4; i++) {
            bob.takeRequest(); // alice's burst is not bob's
        }
        assertThrows(ApiException.class, bob::takeRequest);

        alice.reserveSession();
        assertEquals("too_many_sessions", assertThrows(ApiException.class, alice::reserveSession).code());
        bob.reserveSession();
    }

    @Test
    @DisplayName("Retry-After is the wait for the next token in whole seconds, rounded up, and the bucket refills")
    void retryAfter() {
        Quota quota = limits(Map.of(LimitsConfig.TURNS_PER_MINUTE, "4")).of("p");
        for (int i = 0; i < 4; i++) {
            quota.admitTurn(false).release();
        }
        assertEquals(15, assertThrows(ApiException.class, () -> quota.admitTurn(false)).retryAfterSeconds());
        clock.advanceMillis(14_500);
        assertEquals(1, assertThrows(ApiException.class, () -> quota.admitTurn(false)).retryAfterSeconds());
        clock.advanceMillis(500);
        quota.admitTurn(false).release();
    }

    @Test
    @DisplayName("a generation is held from acceptance to the turn's end; a refused or failed turn holds nothing")
    void generations() {
        Quota quota = limits(Map.of(LimitsConfig.GENERATIONS, "2")).of("p");
        quota.admitTurn(false).accepted("s", 0, Future.succeededFuture("t1"));
        TurnPermit second = quota.admitTurn(false);
        assertEquals("too_many_generations", assertThrows(ApiException.class, () -> quota.admitTurn(false)).code());
        second.accepted("s", 0, Future.failedFuture(new IllegalStateException("not written")));
        second.release();
        assertEquals(1, quota.generationsInFlight());

        quota.admitTurn(false).accepted("s", 0, Future.succeededFuture("t1")); // a repeated clientTurnId's turn
        assertEquals(1, quota.generationsInFlight());
        ends.get("t1").complete();
        assertEquals(0, quota.generationsInFlight());
    }

    @Test
    @DisplayName("a stateless completion's session stays counted once created, and is given back when it was not")
    void sessionsOfTurns() {
        Quota quota = limits(Map.of(LimitsConfig.SESSIONS, "1")).of("p");
        TurnPermit failed = quota.admitTurn(true);
        failed.sessionCreated(Future.failedFuture(new IllegalStateException("Kafka down")));
        failed.release();
        assertEquals(0, quota.sessionsCreated());
        TurnPermit created = quota.admitTurn(true);
        created.sessionCreated(Future.succeededFuture("s"));
        created.release();
        assertEquals(1, quota.sessionsCreated());
        assertEquals("too_many_sessions", assertThrows(ApiException.class, () -> quota.admitTurn(true)).code());
        assertEquals(0, quota.generationsInFlight(), "a refused turn holds no generation");
    }

    @Test
    @DisplayName("a batch's turns are admitted all or nothing; a refused batch holds nothing and takes no turn")
    void batches() {
        Quota quota = limits(Map.of(LimitsConfig.GENERATIONS, "3", LimitsConfig.TURNS_PER_MINUTE, "4")).of("p");
        List<TurnPermit> two = quota.admitTurns(2);
        assertEquals(2, quota.generationsInFlight());
        ApiException busy = assertThrows(ApiException.class, () -> quota.admitTurns(2));
        assertEquals("too_many_generations", busy.code());
        assertEquals(1, busy.retryAfterSeconds());
        assertEquals(2, quota.generationsInFlight(), "the refused batch gave back the generation it had taken");
        two.forEach(TurnPermit::release);

        ApiException tooManyTurns = assertThrows(ApiException.class, () -> quota.admitTurns(3));
        assertEquals("rate_limited", tooManyTurns.code(), "2 of the 4 turns per minute are left");
        assertTrue(tooManyTurns.retryAfterSeconds() >= 1);
        assertEquals(0, quota.generationsInFlight());
        quota.admitTurns(2).forEach(TurnPermit::release);

        ApiException never = assertThrows(ApiException.class, () -> quota.admitTurns(4));
        assertEquals("too_many_generations", never.code());
        assertEquals(0, never.retryAfterSeconds(), "no wait makes 4 turns fit a limit of 3");
        ApiException neverPerMinute = assertThrows(ApiException.class,
                () -> limits(Map.of(LimitsConfig.TURNS_PER_MINUTE, "4")).of("q").admitTurns(5));
        assertEquals("rate_limited", neverPerMinute.code());
        assertEquals(0, neverPerMinute.retryAfterSeconds());
    }

    @Test
    @DisplayName("streams are held until released, once")
    void streams() {
        Quota quota = limits(Map.of(LimitsConfig.STREAMS, "1")).of("p");
        Permit stream = quota.openStream();
        assertEquals("too_many_streams", assertThrows(ApiException.class, quota::openStream).code());
        stream.release();
        stream.release();
        assertEquals(0, quota.openStreams());
        quota.openStream();
    }

    @Test
    @DisplayName("with several gateways each enforces its share of every limit, at least 1")
    void share() {
        Quota quota = limits(Map.of(LimitsConfig.GATEWAYS, "3", LimitsConfig.REQUESTS_PER_SECOND, "10",
                LimitsConfig.GENERATIONS, "2")).of("p");
        assertEquals(3, quota.limits().requestsPerSecond());
        assertEquals(1, quota.limits().generations());
        assertEquals(LimitsConfig.DEFAULTS.streams() / 3, quota.limits().streams());
    }

    @Test
    @DisplayName("bad settings and a bad file are reported together, naming each")
    void badSettings(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("limits.json"),
                "{\"principals\": {\"alice\": {\"streams\": 0, \"tokens\": 5}}}");
        Env env = new Env(Map.of(LimitsConfig.STREAMS, "-1", LimitsConfig.FILE, file.toString()));
        LimitsConfig.fromEnvironment(env);
        String message = assertThrows(IllegalArgumentException.class, env::validate).getMessage();
        assertTrue(message.contains(LimitsConfig.STREAMS), message);
        assertTrue(message.contains("alice.streams"), message);
        assertTrue(message.contains("unknown limit 'tokens'"), message);
        assertEquals("PARLEY_LIMIT_TURNS_PER_MINUTE", LimitsConfig.envName("turnsPerMinute"));
    }
}
