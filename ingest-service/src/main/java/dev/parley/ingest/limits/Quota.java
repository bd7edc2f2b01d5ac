package dev.parley.ingest.limits;

import dev.parley.ingest.ApiException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One principal's limits on this gateway and what it uses of them now. Thread-safe. */
public final class Quota {

    /** Retry-After for a concurrency limit: nothing says when a stream or a generation ends. */
    static final int CONCURRENCY_RETRY_SECONDS = 1;

    private final String principal;
    private final LimitSettings limits;
    private final Limits owner;
    private final Bucket requests;
    private final Bucket turns;
    private final AtomicInteger streams = new AtomicInteger();
    private final AtomicInteger generations = new AtomicInteger();
    private final AtomicInteger sessions = new AtomicInteger();
    /** Turns whose generation is held until their end: a repeated clientTurnId must not hold a second one. */
    private final Set<String> following = ConcurrentHashMap.newKeySet();

    Quota(String principal, LimitSettings limits, Limits owner, TimeMeter clock) {
        this.principal = principal;
        this.limits = limits;
        this.owner = owner;
        this.requests = bucket(limits.requestsPerSecond(), Duration.ofSeconds(1), clock);
        this.turns = bucket(limits.turnsPerMinute(), Duration.ofMinutes(1), clock);
    }

    /** Full at start, refilled evenly: a burst of one period's worth, then the steady rate. */
    private static Bucket bucket(int perPeriod, Duration period, TimeMeter clock) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(perPeriod).refillGreedy(perPeriod, period))
                .withCustomTimePrecision(clock)
                .build();
    }

    /** What this gateway enforces for the principal. */
    public LimitSettings limits() {
        return limits;
    }

    /** Counts one request; 429 rate_limited over the requests per second. */
    public void takeRequest() {
        take(requests, 1, limits.requestsPerSecond() + " requests per second");
    }

    /** A stream the principal opens; 429 too_many_streams when it has its limit open. */
    public Permit openStream() {
        Permit permit = Permit.take(streams, limits.streams());
        if (permit == null) {
            throw tooMany("too_many_streams", limits.streams() + " open streams", CONCURRENCY_RETRY_SECONDS);
        }
        return permit;
    }

    /** A session the principal creates; 429 too_many_sessions at its limit (sessions are never given back). */
    public Permit reserveSession() {
        Permit permit = Permit.take(sessions, limits.sessions());
        if (permit == null) {
            throw tooMany("too_many_sessions", limits.sessions() + " sessions", 0);
        }
        return permit;
    }

    /**
     * A turn, all or nothing: a session when {@code newSession}, a generation, and one of the turns per minute; 429
     * with the first limit it is over. Call before anything is written.
     */
    public TurnPermit admitTurn(boolean newSession) {
        Permit session = newSession ? reserveSession() : null;
        Permit generation = Permit.take(generations, limits.generations());
        if (generation == null) {
            release(session);
            throw tooMany("too_many_generations", limits.generations() + " replies being generated",
                    CONCURRENCY_RETRY_SECONDS);
        }
        try {
            take(turns, 1, limits.turnsPerMinute() + " turns per minute");
        } catch (ApiException e) {
            generation.release();
            release(session);
            throw e;
        }
        return new TurnPermit(this, generation, session);
    }

    /**
     * The turns of one request (a batch's agents), all or nothing: a generation each and {@code count} of the turns per
     * minute; 429 with the first limit they are over, without Retry-After when {@code count} is more than the limit
     * itself allows. Call before anything is written.
     */
    public List<TurnPermit> admitTurns(int count) {
        if (count > limits.generations()) {
            throw overWholeLimit("too_many_generations", count, limits.generations() + " replies being generated");
        }
        if (count > limits.turnsPerMinute()) {
            throw overWholeLimit("rate_limited", count, limits.turnsPerMinute() + " turns per minute");
        }
        List<Permit> taken = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Permit generation = Permit.take(generations, limits.generations());
            if (generation == null) {
                taken.forEach(Permit::release);
                throw tooMany("too_many_generations", limits.generations() + " replies being generated",
                        CONCURRENCY_RETRY_SECONDS);
            }
            taken.add(generation);
        }
        try {
            take(turns, count, limits.turnsPerMinute() + " turns per minute");
        } catch (ApiException e) {
            taken.forEach(Permit::release);
            throw e;
        }
        return taken.stream().map(generation -> new TurnPermit(this, generation, null)).toList();
    }

    public int openStreams() {
        return streams.get();
    }

    /** Turns accepted whose terminal event this gateway has not read yet. */
    public int generationsInFlight() {
        return generations.get();
    }

    /** Sessions created through this gateway since it started. */
    public int sessionsCreated() {
        return sessions.get();
    }

    void follow(Permit generation, String sessionId, int partition, String turnId) {
        if (!following.add(turnId)) {
            generation.release(); // a repeat of a turn whose generation is already held
            return;
        }
        owner.awaitEnd(sessionId, partition, turnId).onComplete(ignored -> {
            following.remove(turnId);
            generation.release();
        });
    }

    private void take(Bucket bucket, int tokens, String limit) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(tokens);
        if (!probe.isConsumed()) {
            long nanos = probe.getNanosToWaitForRefill();
            int seconds = (int) Math.max(1, (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
            throw ApiException.tooManyRequests("rate_limited", "rate limit of " + principal + " reached: " + limit
                    + " on this gateway; retry after " + seconds + " s", seconds);
        }
    }

    private ApiException tooMany(String code, String limit, int retryAfterSeconds) {
        return ApiException.tooManyRequests(code, "limit of " + principal + " reached: " + limit
                + " on this gateway", retryAfterSeconds);
    }

    private ApiException overWholeLimit(String code, int count, String limit) {
        return ApiException.tooManyRequests(code, count + " turns at once are more than the limit of " + principal
                + " allows: " + limit + " on this gateway", 0);
    }

    private static void release(Permit permit) {
        if (permit != null) {
            permit.release();
        }
    }
}
