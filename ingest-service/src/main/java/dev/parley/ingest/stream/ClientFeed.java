package dev.parley.ingest.stream;

import dev.parley.avro.TokenChunk;
import dev.parley.ingest.relay.Cursor;
import dev.parley.ingest.relay.Watch;
import dev.parley.ingest.relay.WatchListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one connection's chunks from the relay thread to the connection's context through a
 * bounded queue. A full queue refuses records, which suspends this watcher in the relay (nobody
 * else waits); once half drained it resumes from the first refused record. A client whose queue
 * stays full for the stall timeout is closed with {@code slow_consumer} and a cursor to resume from.
 */
public final class ClientFeed implements WatchListener<TokenChunk> {

    private static final Logger log = LoggerFactory.getLogger(ClientFeed.class);

    private record Pending(long offset, TokenChunk chunk) {
    }

    private final Vertx vertx;
    private final Context context;
    private final EventSink sink;
    private final int partition;
    private final int maxQueued;
    private final Duration stallTimeout;
    private final ChunkTranslator translator;
    private final Runnable onSlowClientClosed;
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
    private boolean closed;

    ClientFeed(Vertx vertx, Context context, EventSink sink, int partition, int maxQueued, Duration stallTimeout,
               ChunkTranslator translator, Runnable onSlowClientClosed) {
        this.vertx = vertx;
        this.context = context;
        this.sink = sink;
        this.partition = partition;
        this.maxQueued = maxQueued;
        this.stallTimeout = stallTimeout;
        this.translator = translator;
        this.onSlowClientClosed = onSlowClientClosed;
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
        queue.add(new Pending(offset, chunk));
        scheduleDrain();
        return true;
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
        while (!sink.writeQueueFull()) {
            Pending next = queue.poll();
            if (next == null) {
                break;
            }
            queued.decrementAndGet();
            for (StreamEvent event : translator.translate(next.offset(), next.chunk())) {
                sink.send(event);
            }
            lastHandled = new Cursor(partition, next.offset());
        }
        if (queued.get() <= maxQueued / 2 && suspended.compareAndSet(true, false)) {
            watch.resumeDelivery();
        }
        if (!queue.isEmpty()) {
            sink.onDrain(this::scheduleDrain);
        }
    }

    private void closeIfStillStalled(long suspension) {
        vertx.setTimer(stallTimeout.toMillis(), ignored -> {
            if (!closed && suspended.get() && suspensions.get() == suspension) {
                log.info("Closing a client that took nothing for {} ms; it can resume after {}",
                        stallTimeout.toMillis(), lastHandled);
                close();
                onSlowClientClosed.run();
                sink.fail("slow_consumer", "this client took no events for " + stallTimeout.toMillis()
                        + " ms with " + maxQueued + " waiting", lastHandled);
            }
        });
    }
}
