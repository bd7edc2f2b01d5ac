package dev.parley.ingest.stream;

import dev.parley.avro.TokenChunk;
import dev.parley.ingest.ledger.TurnCommits;
import dev.parley.ingest.ledger.TurnStatus;
import dev.parley.schemas.trace.HopTimes;
import dev.parley.ingest.relay.Cursor;
import dev.parley.ingest.relay.Watch;
import dev.parley.ingest.relay.WatchListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one connection's chunks from the relay thread to the connection's context through a
 * bounded queue. A full queue refuses records, which suspends this watcher in the relay (nobody
 * else waits); once half drained it resumes from the first refused record. A client whose queue
 * stays full for the stall timeout is closed with {@code slow_consumer} and a cursor to resume from.
 *
 * <p>An attempt's final chunk ({@code done}, {@code failed}, {@code cancelled}) is held back until the ledger has
 * the turn's terminal event: it goes out when that event records the same attempt, and is dropped when it records
 * another one (a worker died between its last chunk and its commit; the new attempt follows with a reset). So the
 * first terminal event a client sees is the ledger's.
 */
public final class ClientFeed implements WatchListener<TokenChunk> {

    private static final Logger log = LoggerFactory.getLogger(ClientFeed.class);

    /** A chunk and, when the client asked for them, its hop times so far. */
    private record Pending(long offset, TokenChunk chunk, JsonObject hops, long produced, long received) {
    }

    private final Vertx vertx;
    private final Context context;
    private final EventSink sink;
    private final String sessionId;
    private final int partition;
    private final int maxQueued;
    private final Duration stallTimeout;
    private final ChunkTranslator translator;
    private final TurnCommits commits;
    private final boolean trace;
    private final FeedMetrics metrics;
    /** This feed's count in the open-streams gauge of its transport. */
    private final AtomicInteger openOfTransport;
    private final Promise<Void> started = Promise.promise();

    // filled by the relay thread, drained on the context
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean suspended = new AtomicBoolean();
    private final AtomicLong suspensions = new AtomicLong();

    // used on the context only
    private Watch<TokenChunk> watch;
    private Cursor lastHandled;
    /** A final chunk waiting for the ledger's terminal event; nothing after it is delivered meanwhile. */
    private Pending held;
    private boolean closed;
    /** The relay has delivered everything up to the partition's end at registration (when asked to report it). */
    private boolean reachedEnd;

    ClientFeed(Vertx vertx, Context context, EventSink sink, String sessionId, int partition, int maxQueued,
               Duration stallTimeout, ChunkTranslator translator, TurnCommits commits, boolean trace,
               FeedMetrics metrics) {
        this.trace = trace;
        this.vertx = vertx;
        this.context = context;
        this.sink = sink;
        this.sessionId = sessionId;
        this.partition = partition;
        this.maxQueued = maxQueued;
        this.stallTimeout = stallTimeout;
        this.translator = translator;
        this.commits = commits;
        this.metrics = metrics;
        this.openOfTransport = metrics.open(sink.transport());
        openOfTransport.incrementAndGet();
    }

    void attach(Watch<TokenChunk> watch) {
        this.watch = watch;
        if (closed) {
            watch.cancel();
        }
    }

    /** Completes on the context once the feed is positioned; fails when the relay cannot serve it. */
    public Future<Void> started() {
        return started.future();
    }

    /** The cursor of the last record handed to the client: where it would resume now. */
    public Cursor lastHandled() {
        return lastHandled;
    }

    /** Stops delivery (connection closed, or a resume replaces this feed). Call on the context. */
    public void close() {
        if (!closed) {
            closed = true;
            openOfTransport.decrementAndGet();
            if (watch != null) {
                watch.cancel();
            }
            queue.clear();
        }
    }

    @Override
    public void onStart(long startOffset) {
        context.runOnContext(ignored -> {
            lastHandled = new Cursor(partition, startOffset - 1);
            started.tryComplete();
        });
    }

    @Override
    public boolean onRecord(long offset, TokenChunk chunk) {
        return onRecord(offset, chunk, null);
    }

    @Override
    public boolean onRecord(long offset, TokenChunk chunk, Headers headers) {
        // only the relay thread adds, so the check and the increment cannot race each other
        if (queued.get() >= maxQueued) {
            if (suspended.compareAndSet(false, true)) {
                long suspension = suspensions.incrementAndGet();
                context.runOnContext(ignored -> closeIfStillStalled(suspension));
            }
            scheduleDrain();
            return false;
        }
        queued.incrementAndGet();
        queue.add(new Pending(offset, chunk, trace ? hops(headers) : null, HopTimes.get(headers, HopTimes.PRODUCED),
            HopTimes.get(headers, HopTimes.RECEIVED)));
        scheduleDrain();
        return true;
    }

    @Override
    public void onCaughtUp() {
        context.runOnContext(ignored -> {
            reachedEnd = true;
            drain();
        });
    }

    @Override
    public void onFailure(Throwable error) {
        context.runOnContext(ignored -> {
            if (!started.tryFail(error) && !closed) {
                close();
                sink.fail("unavailable", "the token stream stopped: " + error.getMessage(), lastHandled);
            }
        });
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(ignored -> drain());
        }
    }

    private void drain() {
        drainScheduled.set(false);
        if (closed) {
            return;
        }
        if (held != null && supersededInQueue(held)) {
            skip(held); // a newer attempt of the turn is already here: this one was never recorded
        }
        while (held == null && !sink.writeQueueFull()) {
            Pending next = queue.poll();
            if (next == null) {
                break;
            }
            queued.decrementAndGet();
            if (next.chunk().getFinal$()) {
                hold(next);
            } else {
                deliver(next);
            }
        }
        if (queued.get() <= maxQueued / 2 && suspended.compareAndSet(true, false)) {
            watch.resumeDelivery();
        }
        if (held == null && !queue.isEmpty()) {
            sink.onDrain(this::scheduleDrain);
        }
        sink.batchEnd(reachedEnd && held == null && queue.isEmpty());
    }

    private void deliver(Pending next) {
        for (StreamEvent event : translator.translate(next.offset(), next.chunk())) {
            if (event.type().equals("token")) {
                if (next.hops() != null) {
                    event.data().put("hops", next.hops().copy().put("written", HopTimes.now()));
                }
                metrics.delivered(next.produced(), next.received());
            }
            sink.send(event);
        }
        lastHandled = new Cursor(partition, next.offset());
    }

    /** Waits for the ledger before the final chunk goes out; a client resuming meanwhile gets it held again. */
    private void hold(Pending last) {
        held = last;
        TokenChunk chunk = last.chunk();
        commits.committed(sessionId, partition, chunk.getTurnId()).onComplete(answer -> context.runOnContext(x -> {
            if (closed || held != last) {
                return;
            }
            if (answer.failed()) {
                close();
                sink.fail("unavailable", "cannot read the ledger: " + answer.cause().getMessage(), lastHandled);
                return;
            }
            TurnStatus status = answer.result();
            held = null;
            if (status.state() == TurnStatus.State.UNKNOWN || status.attempt() == chunk.getAttempt()) {
                deliver(last);
            } else {
                skip(last);
            }
            drain();
        }));
    }

    private void skip(Pending notRecorded) {
        held = null;
        lastHandled = new Cursor(partition, notRecorded.offset());
    }

    /** The hop times a chunk carries, and when the relay handed it over (epoch microseconds). */
    private static JsonObject hops(Headers headers) {
        JsonObject hops = new JsonObject();
        put(hops, "received", headers, HopTimes.RECEIVED);
        put(hops, "consumed", headers, HopTimes.CONSUMED);
        put(hops, "context", headers, HopTimes.CONTEXT);
        put(hops, "backendSent", headers, HopTimes.BACKEND_SENT);
        put(hops, "backendByte", headers, HopTimes.BACKEND_BYTE);
        put(hops, "produced", headers, HopTimes.PRODUCED);
        put(hops, "previousAcked", headers, HopTimes.PREVIOUS_ACKED);
        return hops.put("relayed", HopTimes.now());
    }

    private static void put(JsonObject hops, String name, Headers headers, String key) {
        long micros = HopTimes.get(headers, key);
        if (micros != HopTimes.NONE) {
            hops.put(name, micros);
        }
    }

    private boolean supersededInQueue(Pending last) {
        String turnId = last.chunk().getTurnId();
        int attempt = last.chunk().getAttempt();
        for (Pending pending : queue) {
            if (pending.chunk().getTurnId().equals(turnId) && pending.chunk().getAttempt() > attempt) {
                return true;
            }
        }
        return false;
    }

    private void closeIfStillStalled(long suspension) {
        vertx.setTimer(stallTimeout.toMillis(), ignored -> {
            if (!closed && suspended.get() && suspensions.get() == suspension) {
                log.info("Closing a client that took nothing for {} ms; it can resume after {}",
                        stallTimeout.toMillis(), lastHandled);
                close();
                metrics.slowClientClosed();
                sink.fail("slow_consumer", "this client took no events for " + stallTimeout.toMillis()
                        + " ms with " + maxQueued + " waiting", lastHandled);
            }
        });
    }
}
