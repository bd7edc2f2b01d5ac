package dev.parley.ingest.durable;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.http.JsonResponses;
import dev.parley.ingest.relay.Cursor;
import dev.parley.ingest.relay.CursorOutOfRangeException;
import dev.parley.ingest.relay.OffsetExpiredException;
import dev.parley.ingest.relay.StartPosition;
import dev.parley.ingest.stream.ClientFeed;
import dev.parley.ingest.stream.EventSink;
import dev.parley.ingest.stream.StreamEvent;
import dev.parley.ingest.stream.TokenStreams;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One Durable Streams read of a {@link DurableStream} over the gateway's own {@link ClientFeed}: collects the feed's
 * events in batches and answers them as one catch-up or long-poll response, or as SSE data and control events.
 * Used on the request's context only.
 *
 * <p>The position it reports is the Kafka offset after the last event answered, so the tail of a stream is its own
 * last record, not the partition's end (other sessions share the partition), and a read from a returned offset
 * continues exactly after the last event returned. A read from {@code now} (and a HEAD) reads the stream up to its
 * tail without answering those events, to find that tail.
 */
final class DurableRead implements EventSink {

    @Override
    public String transport() {
        return EventSink.DURABLE;
    }

    /** The most events one response or one SSE data event carries. */
    static final int MAX_BATCH = 1_000;
    /** SSE connections end after this, as the protocol asks, so that proxies can collapse readers; clients resume. */
    static final Duration SSE_LIFETIME = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final HttpServerRequest http;
    private final HttpServerResponse response;
    private final DurableStream stream;
    private final ReadRequest request;
    private final boolean head;
    private final Duration heartbeat;
    private final List<StreamEvent> batch = new ArrayList<>();

    private ClientFeed feed;
    /** The Kafka offset after the last event answered (or passed over before the tail, from now). */
    private long position;
    private boolean caughtUp;
    private boolean skipping;
    /** The turn's terminal event has been seen: nothing follows. */
    private boolean closed;
    private boolean finished;
    private boolean controlSent;
    private Runnable pendingDrain;
    private long longPollTimer = -1;
    private long heartbeatTimer = -1;
    private long lifetimeTimer = -1;

    DurableRead(Vertx vertx, HttpServerRequest http, DurableStream stream, ReadRequest request, boolean head,
                Duration heartbeat) {
        this.vertx = vertx;
        this.http = http;
        this.response = http.response();
        this.stream = stream;
        this.request = request;
        this.head = head;
        this.heartbeat = heartbeat;
    }

    /** Opens the feed; the response follows once it is positioned. Call on the request's context. */
    void start(TokenStreams streams) {
        skipping = head || request.fromNow();
        StartPosition start = request.from() == null ? stream.start()
                : StartPosition.retained(request.from().nextOffset());
        feed = streams.open(stream.sessionId(), stream.partition(), start, stream.turnId(), false, true, this);
        response.closeHandler(ignored -> finish());
        feed.started().onSuccess(ignored -> {
            position = feed.lastHandled().nextOffset();
            if (request.live() == ReadRequest.Live.SSE && !head) {
                openSse();
            }
        }).onFailure(error -> {
            finish();
            ApiException failure = startFailure(error);
            JsonResponses.send(response, failure.status(), JsonResponses.errorBody(failure.code(), failure.getMessage()));
        });
    }

    @Override
    public void send(StreamEvent event) {
        if (closed || !stream.includes(event)) {
            return;
        }
        closed = stream.endsWith(event);
        if (skipping) {
            position = event.cursor().offset() + 1;
        } else {
            batch.add(event);
        }
    }

    @Override
    public boolean writeQueueFull() {
        return batch.size() >= MAX_BATCH || (isSse() && response.writeQueueFull());
    }

    @Override
    public void onDrain(Runnable drained) {
        pendingDrain = drained;
    }

    @Override
    public void batchEnd(boolean upToDate) {
        if (finished) {
            return;
        }
        if (upToDate && !caughtUp) {
            caughtUp = true;
            skipping = false;
            closed |= stream.endedAtStart(); // its tokens may have expired: the ledger's word closes it
        }
        boolean atTail = upToDate || closed;
        boolean ready = !batch.isEmpty() && (atTail || batch.size() >= MAX_BATCH);
        switch (head ? ReadRequest.Live.NONE : request.live()) {
            case NONE -> {
                if (ready || (caughtUp && atTail)) {
                    answer(atTail);
                }
            }
            case LONG_POLL -> {
                if (ready) {
                    answer(atTail);
                } else if (caughtUp && closed) {
                    answerNoContent();
                } else if (caughtUp && longPollTimer == -1) {
                    longPollTimer = vertx.setTimer(Math.max(1, request.longPollTimeout().toMillis()),
                            ignored -> answerNoContent());
                }
            }
            case SSE -> {
                if (ready || (caughtUp && !controlSent) || (caughtUp && closed)) {
                    writeSse(atTail);
                }
            }
        }
    }

    @Override
    public void fail(String code, String message, Cursor resumeFrom) {
        if (!response.headWritten()) {
            finish();
            JsonResponses.send(response, 503, JsonResponses.errorBody(code, message));
        } else if (!finished) {
            finish(); // an SSE reader resumes from the last control event's offset
            response.end();
        }
    }

    private void answer(boolean atTail) {
        DurableOffset next = takeBatchPosition();
        boolean fromNow = request.fromNow() && !head;
        boolean closedHere = closed && atTail;
        response.setStatusCode(200).putHeader("Content-Type", DurableWire.JSON);
        DurableWire.positionHeaders(response, next, atTail, closedHere);
        if (request.live() == ReadRequest.Live.LONG_POLL && !closedHere) {
            response.putHeader(DurableWire.CURSOR, CollapsingCursor.next(request.cursor()));
        }
        String body = DurableWire.jsonArray(batch);
        batch.clear();
        finish();
        if (head || fromNow) {
            response.putHeader("Cache-Control", "no-store");
            response.end(head ? "" : body);
            return;
        }
        String etag = DurableWire.etag(stream.etagName(), request.offsetText(), next, closedHere);
        response.putHeader("ETag", etag).putHeader("Cache-Control", "private, no-cache");
        if (DurableWire.matches(http.getHeader("If-None-Match"), etag)) {
            response.setStatusCode(304).end();
        } else {
            response.end(body);
        }
    }

    /** The long-poll found nothing new: 204 at the reader's position, and at once when the stream is closed. */
    private void answerNoContent() {
        if (finished) {
            return;
        }
        response.setStatusCode(204).putHeader("Cache-Control", "no-store");
        DurableWire.positionHeaders(response, new DurableOffset(stream.partition(), position), true, closed);
        if (!closed) {
            response.putHeader(DurableWire.CURSOR, CollapsingCursor.next(request.cursor()));
        }
        finish();
        response.end();
    }

    private void openSse() {
        if (finished || response.closed()) {
            return;
        }
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": connected\n\n"); // flushes the headers
        heartbeatTimer = vertx.setPeriodic(heartbeat.toMillis(), ignored -> response.write(": heartbeat\n\n"));
        lifetimeTimer = vertx.setTimer(SSE_LIFETIME.toMillis(), ignored -> {
            finish();
            response.end();
        });
    }

    private void writeSse(boolean atTail) {
        if (!response.headWritten()) {
            return; // the feed is not positioned yet
        }
        boolean sendsData = !batch.isEmpty();
        DurableOffset next = takeBatchPosition();
        if (sendsData) {
            response.write(DurableWire.sseData(batch));
            batch.clear();
        }
        boolean closedHere = closed && atTail;
        response.write(DurableWire.sseControl(next, CollapsingCursor.next(request.cursor()), atTail, closedHere));
        controlSent = true;
        if (closedHere) {
            finish();
            response.end();
        } else if (pendingDrain != null) {
            Runnable drained = pendingDrain;
            pendingDrain = null;
            if (response.writeQueueFull()) {
                response.drainHandler(ignored -> drained.run());
            } else {
                vertx.runOnContext(ignored -> drained.run());
            }
        }
    }

    /** Moves the position past the batch's last event and answers it as an offset. */
    private DurableOffset takeBatchPosition() {
        if (!batch.isEmpty()) {
            position = batch.get(batch.size() - 1).cursor().offset() + 1;
        }
        return new DurableOffset(stream.partition(), position);
    }

    private boolean isSse() {
        return request.live() == ReadRequest.Live.SSE && !head;
    }

    /** Stops the feed and the timers; the response is the caller's to end. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (feed != null) {
            feed.close();
        }
        vertx.cancelTimer(longPollTimer);
        vertx.cancelTimer(heartbeatTimer);
        vertx.cancelTimer(lifetimeTimer);
    }

    private static ApiException startFailure(Throwable error) {
        if (error instanceof CursorOutOfRangeException) {
            return ApiException.badRequest("bad_offset", "the offset is beyond the end of the stream: "
                    + error.getMessage());
        }
        if (error instanceof OffsetExpiredException) {
            return new ApiException(410, "offset_expired", "the events at this offset are past the token "
                    + "retention; read again from -1: " + error.getMessage());
        }
        return ApiException.notReady("cannot read the token stream: " + error.getMessage());
    }
}
