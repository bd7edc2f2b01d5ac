package dev.parley.worker.turns;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.Usage;
import dev.parley.worker.backend.BackendException;
import dev.parley.worker.backend.ChatRequest;
import dev.parley.worker.backend.Generation;
import dev.parley.worker.backend.LlmBackend;
import dev.parley.worker.backend.StreamListener;
import dev.parley.worker.backend.TokenUsage;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One user turn from the moment it is consumed until its terminal ledger event is ready: it streams the
 * backend's tokens into a {@link ChunkStream} and ends exactly once, as a reply, a failure or a cancellation.
 * Backend callbacks, cancel requests and coalescing timers come from different threads: all go through this lock.
 */
final class TurnTask implements StreamListener {

    private enum State { QUEUED, STREAMING, ENDED }

    private final int partition;
    private final long offset;
    private final String sessionId;
    private final String turnId;
    private final String userText;
    private final String producerName;
    private final Consumer<TurnTask> onEnded;
    private final TurnHops hops;

    private State state = State.QUEUED;
    private boolean cancelRequested;
    private int attempt;
    private String model;
    private Generation generation;
    private ChunkStream chunks;
    private final StringBuilder text = new StringBuilder();
    private LedgerEvent terminal;
    private boolean notified;
    private volatile long mustSee = -1;
    private volatile long recordedAt = -1;
    private final boolean recovered;
    private final CompletableFuture<Void> settled = new CompletableFuture<>();

    TurnTask(int partition, long offset, String sessionId, String turnId, String userText, boolean recovered,
             String producerName, TurnHops hops, Consumer<TurnTask> onEnded) {
        this.hops = hops;
        this.recovered = recovered;
        this.partition = partition;
        this.offset = offset;
        this.sessionId = sessionId;
        this.turnId = turnId;
        this.userText = userText;
        this.producerName = producerName;
        this.onEnded = onEnded;
    }

    /**
     * Starts attempt {@code attempt}: builds the context (blocking: call it off the event loop and the consumer
     * thread) and opens the backend stream, unless a cancel came first, which ends the turn as cancelled.
     */
    void start(int attempt, Function<TurnTask, ChunkStream> chunkStreams, Supplier<ChatRequest> context,
               LlmBackend backend) {
        synchronized (this) {
            if (state != State.QUEUED) {
                return;
            }
            this.attempt = attempt;
            this.chunks = chunkStreams.apply(this);
        }
        ChatRequest request;
        try {
            request = cancelRequested() ? null : context.get();
            hops.contextReady();
        } catch (RuntimeException e) {
            fail("could not build the context: " + e.getMessage());
            return;
        }
        synchronized (this) {
            if (state != State.QUEUED) {
                return;
            }
            if (cancelRequested) {
                endCancelled("cancelled before generation started");
            } else {
                this.model = request.model();
                state = State.STREAMING;
            }
        }
        if (request != null && !cancelRequested()) {
            hops.backendSent();
            Generation started = backend.stream(request, this);
            synchronized (this) {
                generation = started;
                if (state == State.ENDED) {
                    started.cancel(); // cancelled or abandoned while the request was being opened
                }
            }
        }
        notifyIfEnded();
    }

    @Override
    public void onToken(String token) {
        synchronized (this) {
            if (state != State.STREAMING) {
                return;
            }
            text.append(token);
            chunks.append(token, this::flushChunks);
        }
    }

    @Override
    public void onComplete(String finishReason, TokenUsage usage) {
        synchronized (this) {
            if (state != State.STREAMING) {
                return;
            }
            chunks.complete(finishReason, usage);
            end(AssistantReply.newBuilder().setText(text.toString()).setModel(model).setFinishReason(finishReason)
                .setUsage(usage == null ? null : Usage.newBuilder().setPromptTokens(usage.promptTokens()).setCompletionTokens(usage.completionTokens()).build()).build());
        }
        notifyIfEnded();
    }

    @Override
    public void onError(BackendException error) {
        fail(error.getMessage());
    }

    /** Fails the turn: the backend broke, or its tokens could not be written. */
    void fail(String reason) {
        Generation toCancel;
        synchronized (this) {
            if (state == State.ENDED) {
                return;
            }
            toCancel = generation;
            if (chunks != null) {
                chunks.abort("error", reason, text.toString());
            }
            end(ReplyFailed.newBuilder().setPartialText(text.toString()).setReason(reason).build());
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        notifyIfEnded();
    }

    /** A client asked to stop: ends the turn now if it is streaming, else as soon as it would start. */
    void cancel(String reason) {
        Generation toCancel;
        synchronized (this) {
            cancelRequested = true;
            if (state != State.STREAMING) {
                return;
            }
            toCancel = generation;
            endCancelled(reason);
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        notifyIfEnded();
    }

    /** Stops without a terminal event: this worker lost the partition, and the next owner regenerates the turn. */
    void abandon() {
        Generation toCancel;
        synchronized (this) {
            if (state == State.ENDED) {
                return;
            }
            state = State.ENDED;
            toCancel = generation;
            if (chunks != null) {
                chunks.abandon();
            }
        }
        settled.complete(null);
        if (toCancel != null) {
            toCancel.cancel();
        }
    }

    private void endCancelled(String reason) {
        if (chunks != null) {
            chunks.abort("cancelled", reason, text.toString());
        }
        end(ReplyCancelled.newBuilder().setPartialText(text.toString()).setReason(reason).build());
    }

    private void end(Object payload) {
        state = State.ENDED;
        settled.complete(null);
        terminal = LedgerEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setSessionId(sessionId)
            .setTurnId(turnId)
            .setTimestamp(Instant.now())
            .setProducer(producerName)
            .setAttempt(attempt)
            .setPayload(payload)
            .build();
    }

    private synchronized void flushChunks() {
        if (state == State.STREAMING) {
            chunks.flush();
        }
    }

    /** Tells the owner once, outside the lock, that the terminal event is ready. */
    private void notifyIfEnded() {
        boolean notify;
        synchronized (this) {
            notify = terminal != null && !notified;
            notified |= notify;
        }
        if (notify) {
            onEnded.accept(this);
        }
    }

    /** The one terminal ledger event, once the turn has ended with one; null before or when abandoned. */
    synchronized LedgerEvent terminalEvent() {
        return terminal;
    }

    /** Completes once the turn has ended in any way, abandoned included. */
    CompletableFuture<Void> settled() {
        return settled;
    }

    /** True for a turn found unfinished when this worker took its partition over: it may have earlier attempts. */
    boolean recovered() {
        return recovered;
    }

    synchronized int attempt() {
        return attempt;
    }

    /** The ledger offset the context must include: the previous turn's terminal event (read-your-writes). */
    long mustSee() {
        return mustSee;
    }

    void mustSee(long offset) {
        this.mustSee = offset;
    }

    /** Where this turn's terminal event landed in the ledger, once committed. */
    long recordedAt() {
        return recordedAt;
    }

    void recordedAt(long offset) {
        this.recordedAt = offset;
    }

    TurnHops hops() {
        return hops;
    }

    int partition() {
        return partition;
    }

    long offset() {
        return offset;
    }

    String sessionId() {
        return sessionId;
    }

    String turnId() {
        return turnId;
    }

    String userText() {
        return userText;
    }

    synchronized boolean cancelRequested() {
        return cancelRequested;
    }
}
