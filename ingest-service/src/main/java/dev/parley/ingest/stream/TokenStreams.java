package dev.parley.ingest.stream;

import dev.parley.avro.TokenChunk;
import dev.parley.ingest.ledger.TurnCommits;
import dev.parley.ingest.relay.StartPosition;
import dev.parley.ingest.relay.TopicRelay;
import io.vertx.core.Vertx;
import java.time.Duration;

/** Opens token feeds for client connections on the tokens relay. */
public final class TokenStreams {

    private final Vertx vertx;
    private final TopicRelay<TokenChunk> relay;
    private final TurnCommits commits;
    private final int maxQueuedPerClient;
    private final Duration stallTimeout;
    private final FeedMetrics metrics;

    public TokenStreams(Vertx vertx, TopicRelay<TokenChunk> relay, TurnCommits commits, int maxQueuedPerClient,
                        Duration stallTimeout, FeedMetrics metrics) {
        this.metrics = metrics;
        this.vertx = vertx;
        this.relay = relay;
        this.commits = commits;
        this.maxQueuedPerClient = maxQueuedPerClient;
        this.stallTimeout = stallTimeout;
    }

    /** Connections closed with slow_consumer since start. */
    public long slowClientsClosed() {
        return metrics.slowClientsClosed();
    }

    /**
     * Starts delivering {@code sessionId}'s events to {@code sink}; call on the connection's context.
     *
     * @param startTurnId skip the session's chunks until this turn's first one; null for none
     * @param trace       add each token's hop times ({@code hops}, epoch microseconds) to its event
     */
    public ClientFeed open(String sessionId, int partition, StartPosition start, String startTurnId, boolean trace,
                           EventSink sink) {
        return open(sessionId, partition, start, startTurnId, trace, false, sink);
    }

    /**
     * {@link #open(String, int, StartPosition, String, boolean, EventSink)} that also tells the sink, at the end of
     * each batch, whether the feed is up to date with the partition ({@link EventSink#batchEnd(boolean)}): for reads
     * that answer "everything so far" and then stop or wait.
     */
    public ClientFeed open(String sessionId, int partition, StartPosition start, String startTurnId, boolean trace,
                           boolean reportUpToDate, EventSink sink) {
        var context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("open a feed on the connection's Vert.x context");
        }
        ClientFeed feed = new ClientFeed(vertx, context, sink, sessionId, partition, maxQueuedPerClient, stallTimeout,
                new ChunkTranslator(partition, startTurnId), commits, trace, metrics);
        feed.attach(relay.watch(sessionId, partition, start, reportUpToDate, feed));
        return feed;
    }
}
