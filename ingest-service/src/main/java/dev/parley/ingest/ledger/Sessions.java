package dev.parley.ingest.ledger;

import dev.parley.ingest.ApiException;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.ingest.kafka.TopicLayout;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** Creates sessions and tells whether one exists: a SessionCreated in its ledger partition. */
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
    private final LruCache<String, Boolean> known = new LruCache<>(KNOWN_SESSIONS);

    public Sessions(TopicLayout layout, LedgerWriter writer, LedgerLookup lookup) {
        this.layout = layout;
        this.writer = writer;
        this.lookup = lookup;
    }

    /** Appends a SessionCreated and answers its id once Kafka acknowledged it. */
    public Future<String> create() {
        String sessionId = UuidV7.next().toString();
        // the partition count first: writing to a missing topic could auto-create it with the wrong count
        return layout.partitions()
                .compose(ignored -> writer.append(LedgerEvents.sessionCreated(sessionId)))
                .map(ack -> {
                    known.put(sessionId, Boolean.TRUE);
                    return sessionId;
                });
    }

    /** The session's partition; fails with 404 unknown_session when it has no SessionCreated. */
    public Future<Integer> require(String sessionId) {
        Optional<UUID> id = UuidV7.parse(sessionId);
        if (id.isEmpty()) {
            return Future.failedFuture(unknown(sessionId));
        }
        return layout.partitionOf(sessionId).compose(partition -> {
            if (known.get(sessionId) != null) {
                return Future.succeededFuture(partition);
            }
            long from = UuidV7.timestampMillis(id.get()) - SAME_CLOCK_MARGIN.toMillis();
            return lookup.run(sessionId, partition, from, new SessionCreatedQuery(), Duration.ZERO)
                    .compose(found -> {
                        if (!found) {
                            return Future.failedFuture(unknown(sessionId));
                        }
                        known.put(sessionId, Boolean.TRUE);
                        return Future.succeededFuture(partition);
                    });
        });
    }

    private static ApiException unknown(String sessionId) {
        return ApiException.notFound("unknown_session", "no session " + sessionId);
    }
}
