package dev.parley.ingest.ledger;

import dev.parley.avro.SessionCreated;
import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.kafka.TopicLayout;
import dev.parley.schemas.ids.UuidV7;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates sessions and tells whether one exists for the caller: a SessionCreated in its ledger partition, written by
 * the same principal. Every endpoint that names a session comes through {@link #require}, so this is the one place
 * ownership is enforced; another principal's session is answered exactly like one that does not exist.
 */
public final class Sessions {

    /**
     * How far before a session's or turn's id a ledger read starts. The gateway that made the id wrote its record
     * (SessionCreated, UserTurn) with a timestamp from the same clock, taken later; a read by time starts at the
     * first record at or after the time asked for, so it reaches that record and everything after it, whatever
     * other hosts' clocks say. The margin only covers that one clock stepping back in between. (Token chunks are
     * written by the worker, which stamps them no earlier than their turn id's time: a read from that time reaches
     * a turn's first chunk, whatever the worker's clock says.)
     */
    public static final Duration SAME_CLOCK_MARGIN = Duration.ofSeconds(1);

    private static final int KNOWN_SESSIONS = 100_000;

    private final TopicLayout layout;
    private final LedgerWriter writer;
    private final LedgerLookup lookup;
    /** Each session's SessionCreated as recorded: its owner and its persona. */
    private final LruCache<String, SessionCreated> created = new LruCache<>(KNOWN_SESSIONS);

    public Sessions(TopicLayout layout, LedgerWriter writer, LedgerLookup lookup) {
        this.layout = layout;
        this.writer = writer;
        this.lookup = lookup;
    }

    /**
     * Appends a SessionCreated owned by {@code principal}, naming {@code persona} (null for none; the caller checked
     * that it exists), and answers its id once Kafka acknowledged it.
     */
    public Future<String> create(String principal, String persona) {
        SessionCreated session = new SessionCreated(Principals.forLedger(principal), persona);
        String sessionId = UuidV7.next().toString();
        // the partition count first: writing to a missing topic could auto-create it with the wrong count
        return layout.partitions()
                .compose(ignored -> writer.append(LedgerEvents.sessionCreated(sessionId, session)))
                .map(ack -> {
                    created.put(sessionId, session);
                    return sessionId;
                });
    }

    /**
     * The session's partition; fails with 404 unknown_session when it has no SessionCreated, or when another
     * principal created it (the same answer: a caller cannot tell another's session from none).
     */
    public Future<Integer> require(String sessionId, String principal) {
        String caller = Principals.forLedger(principal);
        Optional<UUID> id = UuidV7.parse(sessionId);
        if (id.isEmpty()) {
            return Future.failedFuture(unknown(sessionId));
        }
        return layout.partitionOf(sessionId).compose(partition -> recorded(sessionId, id.get(), partition)
                .compose(session -> Objects.equals(session.getCreatedBy(), caller)
                        ? Future.succeededFuture(partition) : Future.failedFuture(unknown(sessionId))));
    }

    /**
     * The persona the session names (SessionCreated.persona), or null; for a session {@link #require} let through,
     * so its SessionCreated is usually remembered and nothing is read.
     */
    public Future<String> personaOf(String sessionId, int partition) {
        return recorded(sessionId, UuidV7.parse(sessionId).orElseThrow(), partition).map(SessionCreated::getPersona);
    }

    private Future<SessionCreated> recorded(String sessionId, UUID id, int partition) {
        SessionCreated known = created.get(sessionId);
        if (known != null) {
            return Future.succeededFuture(known);
        }
        long from = UuidV7.timestampMillis(id) - SAME_CLOCK_MARGIN.toMillis();
        return lookup.run(sessionId, partition, from, new SessionCreatedQuery(), Duration.ZERO)
                .compose(found -> {
                    if (found.isEmpty()) {
                        return Future.failedFuture(unknown(sessionId));
                    }
                    created.put(sessionId, found.get());
                    return Future.succeededFuture(found.get());
                });
    }

    private static ApiException unknown(String sessionId) {
        return ApiException.notFound("unknown_session", "no session " + sessionId);
    }
}
