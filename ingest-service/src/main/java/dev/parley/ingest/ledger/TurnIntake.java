package dev.parley.ingest.ledger;

import dev.parley.avro.BatchTag;
import dev.parley.ingest.auth.Principals;
import dev.parley.schemas.ids.UuidV7;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Appends user turns, at most once per clientTurnId: a repeated clientTurnId gets the first
 * turn's id back and appends nothing, also after a restart (found in the ledger) and when the
 * repeats arrive at the same time (serialized per session and clientTurnId).
 */
public final class TurnIntake {

    private static final int REMEMBERED_CLIENT_TURNS = 100_000;

    private final LedgerWriter writer;
    private final LedgerLookup lookup;
    private final Sessions sessions;
    private final Duration clientTurnWindow;
    private final LruCache<String, String> turnIdsByClientTurn = new LruCache<>(REMEMBERED_CLIENT_TURNS);
    /** The request currently deciding a clientTurnId; later ones wait for its answer. */
    private final Map<String, CompletableFuture<String>> deciding = new ConcurrentHashMap<>();

    /** {@code sessions} tells each session's persona, which every turn of the session carries. */
    public TurnIntake(LedgerWriter writer, LedgerLookup lookup, Sessions sessions, Duration clientTurnWindow) {
        this.writer = writer;
        this.lookup = lookup;
        this.sessions = sessions;
        this.clientTurnWindow = clientTurnWindow;
    }

    /**
     * Appends a UserTurn sent by {@code principal} (who owns the session: {@link Sessions#require} checked it) to
     * an existing session in {@code partition} and answers its turnId once
     * Kafka acknowledged it; with a known {@code clientTurnId} (may be null) answers the earlier turnId
     * (a repeat's {@code options} are ignored, like its text: the first request decided the turn).
     * {@code arrival} is when the request arrived and its trace, carried with the turn; its span ends here.
     */
    public Future<String> submit(String sessionId, int partition, String principal, String text,
                                 String clientTurnId, TurnOptions options, TurnArrival arrival) {
        arrival.started();
        return decide(sessionId, partition, principal, text, clientTurnId, options, arrival)
                .andThen(result -> arrival.ended(result.cause()));
    }

    /**
     * Appends one agent's UserTurn of a batch, tagged {@code batch}, to an existing session of {@code principal}
     * ({@link Sessions#require} checked it) and answers its turnId once Kafka acknowledged it. A batch has no
     * clientTurnId: each call appends a turn. {@code arrival} as for {@link #submit}.
     */
    public Future<String> submitBatched(String sessionId, int partition, String principal, String text,
                                        TurnOptions options, BatchTag batch, TurnArrival arrival) {
        arrival.started();
        return append(sessionId, partition, text, null, options, batch, Principals.forLedger(principal), arrival)
                .andThen(result -> arrival.ended(result.cause()));
    }

    private Future<String> decide(String sessionId, int partition, String principal, String text,
                                  String clientTurnId, TurnOptions options, TurnArrival arrival) {
        String sender = Principals.forLedger(principal);
        if (clientTurnId == null) {
            return append(sessionId, partition, text, null, options, null, sender, arrival);
        }
        String key = sessionId + '\n' + clientTurnId;
        String known = turnIdsByClientTurn.get(key);
        if (known != null) {
            return Future.succeededFuture(known);
        }
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> earlier = deciding.putIfAbsent(key, mine);
        if (earlier != null) {
            return onCallerContext(earlier);
        }
        // the request that held the key may have finished between our cache miss and putIfAbsent
        known = turnIdsByClientTurn.get(key);
        Future<String> decided = known != null
                ? Future.succeededFuture(known)
                : findInLedger(sessionId, partition, clientTurnId)
                        .compose(found -> found.isPresent()
                                ? Future.succeededFuture(found.get())
                                : append(sessionId, partition, text, clientTurnId, options, null, sender, arrival));
        return decided.andThen(result -> {
            if (result.succeeded()) {
                turnIdsByClientTurn.put(key, result.result());
                mine.complete(result.result());
            } else {
                mine.completeExceptionally(result.cause());
            }
            deciding.remove(key, mine);
        });
    }

    private Future<Optional<String>> findInLedger(String sessionId, int partition, String clientTurnId) {
        long sessionStart = UuidV7.timestampMillis(UuidV7.parse(sessionId).orElseThrow())
                - Sessions.SAME_CLOCK_MARGIN.toMillis();
        long from = Math.max(sessionStart, System.currentTimeMillis() - clientTurnWindow.toMillis());
        return lookup.run(sessionId, partition, from, new ClientTurnQuery(clientTurnId), Duration.ZERO);
    }

    private Future<String> append(String sessionId, int partition, String text, String clientTurnId,
                                  TurnOptions options, BatchTag batch, String sender, TurnArrival arrival) {
        String turnId = UuidV7.next().toString();
        return sessions.personaOf(sessionId, partition)
                .compose(persona -> writer.append(LedgerEvents.userTurn(sessionId, turnId, text, clientTurnId,
                        options, batch, sender, persona), arrival))
                .map(ack -> turnId);
    }

    private static Future<String> onCallerContext(CompletableFuture<String> future) {
        var context = Vertx.currentContext();
        return context == null ? Future.fromCompletionStage(future) : Future.fromCompletionStage(future, context);
    }
}
