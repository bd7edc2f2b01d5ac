package dev.parley.ingest.ledger;

import dev.parley.avro.LedgerEvent;
import dev.parley.ingest.ApiException;
import dev.parley.ingest.kafka.OnContext;
import dev.parley.ingest.relay.StartPosition;
import dev.parley.ingest.relay.TopicRelay;
import dev.parley.ingest.relay.Watch;
import dev.parley.ingest.relay.WatchListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Executor;

/** Answers {@link LedgerQuery}s through the ledger relay, without blocking the caller. */
public final class LedgerLookup {

    /** How long a lookup may take to read up to the end before the gateway answers 503. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

    private final Vertx vertx;
    private final TopicRelay<LedgerEvent> relay;

    public LedgerLookup(Vertx vertx, TopicRelay<LedgerEvent> relay) {
        this.vertx = vertx;
        this.relay = relay;
    }

    /**
     * Reads {@code sessionId}'s events in {@code partition} from {@code fromMillis} until the query
     * answers. A query that wants to wait after catching up is answered at the latest after {@code wait}.
     * Fails with 503 not_ready when the ledger cannot be read.
     */
    public <R> Future<R> run(String sessionId, int partition, long fromMillis, LedgerQuery<R> query, Duration wait) {
        Run<R> run = new Run<>(query, OnContext.current());
        if (!wait.isZero()) {
            run.waitTimer = vertx.setTimer(wait.toMillis(), ignored -> run.waitExpired());
        }
        run.readTimer = vertx.setTimer(wait.plus(READ_TIMEOUT).toMillis(), ignored -> run.readTimedOut());
        run.attach(relay.watch(sessionId, partition, StartPosition.atTime(fromMillis), true, run));
        return run.promise.future();
    }

    /** One lookup in progress: the query, its watch and its timers; synchronized as relay and timers race. */
    private final class Run<R> implements WatchListener<LedgerEvent> {
        private final LedgerQuery<R> query;
        private final Executor onContext;
        private final Promise<R> promise = Promise.promise();
        private Watch<LedgerEvent> watch;
        private long waitTimer = -1;
        private long readTimer = -1;
        private boolean caughtUp;
        private boolean waitExpired;
        private boolean done;

        Run(LedgerQuery<R> query, Executor onContext) {
            this.query = query;
            this.onContext = onContext;
        }

        synchronized void attach(Watch<LedgerEvent> watch) {
            this.watch = watch;
            if (done) {
                watch.cancel();
            }
        }

        @Override
        public synchronized boolean onRecord(long offset, LedgerEvent event) {
            if (!done && query.accept(event)) {
                answer();
            }
            return true;
        }

        @Override
        public synchronized void onCaughtUp() {
            caughtUp = true;
            if (!done && (waitExpired || query.caughtUp())) {
                answer();
            }
        }

        @Override
        public synchronized void onFailure(Throwable error) {
            end(ApiException.notReady("cannot read the ledger: " + error.getMessage()));
        }

        synchronized void waitExpired() {
            waitExpired = true;
            if (!done && caughtUp) {
                answer();
            }
        }

        synchronized void readTimedOut() {
            end(ApiException.notReady("the ledger was not read within " + READ_TIMEOUT.toSeconds() + " s"));
        }

        private void answer() {
            R result = query.result();
            finish();
            onContext.execute(() -> promise.complete(result));
        }

        private void end(ApiException error) {
            if (!done) {
                finish();
                onContext.execute(() -> promise.fail(error));
            }
        }

        private void finish() {
            done = true;
            if (watch != null) {
                watch.cancel();
            }
            vertx.cancelTimer(waitTimer);
            vertx.cancelTimer(readTimer);
        }
    }
}
