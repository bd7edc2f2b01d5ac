package dev.parley.worker.turns;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.BackendCall;
import dev.parley.avro.BatchShare;
import dev.parley.avro.BatchTag;
import dev.parley.avro.ContextMessage;
import dev.parley.avro.GenerationSettings;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.PersonaRef;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.RouteChoice;
import dev.parley.avro.StageText;
import dev.parley.avro.Usage;
import dev.parley.worker.backend.BackendException;
import dev.parley.worker.backend.ChatRequest;
import dev.parley.worker.backend.FailureKind;
import dev.parley.worker.backend.Generation;
import dev.parley.worker.backend.StreamListener;
import dev.parley.worker.backend.TokenUsage;
import dev.parley.worker.catalogue.Stage;
import dev.parley.worker.resilience.GuardedBackend;
import dev.parley.worker.routing.RouteDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One user turn from the moment it is consumed until its terminal ledger event is ready. It answers the turn
 * through its {@link RoutePlan}: the stages in order, each on the first of its backends that works. A backend that
 * fails before any text is replaced by the next one unseen; one that fails after streaming text is replaced in a
 * new attempt, started when the next backend's first text arrives (clients get {@code reset}, then the earlier
 * stages again and the new backend's text; until then they keep the text they saw, which is also the partial text
 * if no backend answers). The turn ends
 * exactly once, as a reply, a failure or a cancellation, and records every backend call. Backend callbacks,
 * cancel requests and coalescing timers come from different threads: all go through this lock.
 *
 * <p>A turn answered as one agent of a batch call has no call of its own: {@link BatchCall} starts it with
 * {@link #startBatched} and feeds it its own text and its end; cancel and abandon work as for any turn.
 */
final class TurnTask {

    private enum State { QUEUED, STREAMING, ENDED }

    static final String STAGE_START = "stage_start";
    static final String STAGE_END = "stage_end";

    private final int partition;
    private final long offset;
    private final String sessionId;
    private final String turnId;
    private final String userText;
    /** The conversation before userText as the client supplied it (UserTurn.context); usually empty. */
    private final List<ContextMessage> givenContext;
    private final String requestedRoute;
    private final boolean spotlight;
    /** Who sent the turn (UserTurn.principal); null without authentication. Its lines are fair across principals. */
    private final String principal;
    /** The persona the session names (UserTurn.persona), or null: its block goes first in every request. */
    private final String persona;
    /** The client's generation settings (UserTurn.generation); null for none. */
    private final GenerationSettings generation;
    /** The turn is one agent's request of a batch (UserTurn.batch); null for a single turn. */
    private final BatchTag batch;
    private final String producerName;
    private final Consumer<TurnTask> onEnded;
    private final TurnHops hops;
    private final boolean recovered;
    private final CompletableFuture<Void> settled = new CompletableFuture<>();

    private State state = State.QUEUED;
    private boolean cancelRequested;
    private int attempt;
    private Function<TurnTask, ChunkStream> chunkStreams;
    private ChunkStream chunks;
    private RoutePlan plan;
    private int stageIndex;
    private int backendIndex;
    private Call call;
    private final List<StageText> doneStages = new ArrayList<>();
    private final CallLog calls = new CallLog();
    /** Everything the current attempt streamed as answer text: the partial text of a failure or cancel. */
    private final StringBuilder attemptText = new StringBuilder();
    /** A backend failed after streaming: the next one's first text starts a new attempt. */
    private boolean newAttemptDue;
    private LedgerEvent terminal;
    private boolean notified;
    private volatile long mustSee = -1;
    /** Set when the turn is answered as one agent of a batch call: no Call of its own, a BatchCall feeds it. */
    private RouteChoice batchRoute;
    /** True while a batch call feeds the turn. */
    private boolean batched;
    private BatchShare batchShare;
    private PersonaRef batchPersona;
    /** The router's decision when the batcher made it before the turn started (a route that batches). */
    private volatile RouteDecision decided;
    private volatile long recordedAt = -1;

    TurnTask(int partition, long offset, String sessionId, String turnId, String userText,
             List<ContextMessage> givenContext, String requestedRoute, boolean spotlight, String principal,
             String persona, BatchTag batch, GenerationSettings generation, boolean recovered, String producerName,
             TurnHops hops, Consumer<TurnTask> onEnded) {
        this.givenContext = givenContext;
        this.generation = generation;
        this.batch = batch;
        this.partition = partition;
        this.offset = offset;
        this.sessionId = sessionId;
        this.turnId = turnId;
        this.userText = userText;
        this.requestedRoute = requestedRoute;
        this.spotlight = spotlight;
        this.principal = principal;
        this.persona = persona;
        this.recovered = recovered;
        this.producerName = producerName;
        this.hops = hops;
        this.onEnded = onEnded;
    }

    /**
     * Starts attempt {@code attempt}: plans the route and builds the context (blocking: call it off the event loop
     * and the consumer thread), then opens the first backend call, unless a cancel came first, which ends the turn
     * as cancelled. A plan that cannot be made (an unknown route, a context that cannot be read) fails the turn.
     */
    void start(int attempt, Function<TurnTask, ChunkStream> chunkStreams, Supplier<RoutePlan> plans) {
        synchronized (this) {
            if (state != State.QUEUED) {
                return;
            }
            this.attempt = attempt;
            this.chunkStreams = chunkStreams;
            this.chunks = chunkStreams.apply(this);
        }
        RoutePlan planned;
        try {
            planned = cancelRequested() ? null : plans.get();
            hops.contextReady();
        } catch (RuntimeException e) {
            fail(e.getMessage());
            return;
        }
        synchronized (this) {
            if (state != State.QUEUED) {
                return;
            }
            if (cancelRequested) {
                endCancelled("cancelled before generation started");
            } else {
                plan = planned;
                state = State.STREAMING;
                hops.backendSent();
                startCall();
            }
        }
        notifyIfEnded();
    }

    /** Opens the call for the current stage and backend; never blocks, and its callbacks come later. */
    private void startCall() {
        Stage stage = plan.stage(stageIndex);
        GuardedBackend backend = plan.backends().apply(stage.backends().get(backendIndex));
        ChatRequest request = plan.request(stageIndex, doneStages).withTraceparent(hops.traceparent());
        call = new Call(backend, stage, request);
        call.generation = backend.stream(request, call, principal, plan.spotlight());
    }

    /** One backend call's callbacks: those of a call that is no longer the turn's current one are ignored. */
    private final class Call implements StreamListener {
        private final GuardedBackend backend;
        private final Stage stage;
        private final ChatRequest request;
        private final StringBuilder text = new StringBuilder();
        private boolean streamed;
        private Generation generation;

        Call(GuardedBackend backend, Stage stage, ChatRequest request) {
            this.backend = backend;
            this.stage = stage;
            this.request = request;
        }

        @Override
        public void onToken(String token) {
            synchronized (TurnTask.this) {
                if (current(this)) {
                    began(this);
                    text.append(token);
                    attemptText.append(token);
                    chunks.append(token, stage.name(), stage.confidence(), TurnTask.this::flushChunks);
                }
            }
        }

        @Override
        public void onReasoning(String token) {
            synchronized (TurnTask.this) {
                if (current(this)) {
                    began(this);
                    chunks.append(token, "reasoning", null, TurnTask.this::flushChunks);
                }
            }
        }

        @Override
        public void onComplete(String finishReason, TokenUsage usage) {
            synchronized (TurnTask.this) {
                if (current(this)) {
                    completed(this, finishReason, usage);
                }
            }
            notifyIfEnded();
        }

        @Override
        public void onError(BackendException error) {
            synchronized (TurnTask.this) {
                if (current(this)) {
                    failed(this, error);
                }
            }
            notifyIfEnded();
        }

        void record(String outcome, BackendException error, TokenUsage usage) {
            calls.add(attempt, stage.name(), backend.config(), outcome, error, text.toString(), usage, request);
        }
    }

    private boolean current(Call c) {
        return state == State.STREAMING && call == c;
    }

    /** The first text of a call: a staged route announces the stage and its backend now, once it is answering. */
    private void began(Call c) {
        if (!c.streamed) {
            c.streamed = true;
            startNewAttemptIfDue();
            if (plan.route().staged()) {
                chunks.boundary(STAGE_START, c.stage.name(), c.stage.confidence(), c.backend.name());
            }
        }
    }

    private void completed(Call c, String finishReason, TokenUsage usage) {
        startNewAttemptIfDue(); // a replacement that answered nothing still replaces what was streamed
        c.record(CallLog.COMPLETED, null, usage);
        StageText stageText = StageText.newBuilder().setStage(c.stage.name()).setText(c.text.toString())
            .setConfidence(c.stage.confidence()).setBackend(c.backend.name()).build();
        doneStages.add(stageText);
        if (plan.route().staged()) {
            began(c); // a stage with an empty answer still shows where it was
            chunks.boundary(STAGE_END, c.stage.name(), c.stage.confidence(), null);
        }
        if (stageIndex + 1 < plan.stages()) {
            stageIndex++;
            backendIndex = 0;
            startCall();
            return;
        }
        Usage total = calls.total();
        chunks.complete(finishReason, total);
        end(AssistantReply.newBuilder()
            .setText(stageText.getText())
            .setModel(c.backend.config().model())
            .setFinishReason(finishReason)
            .setUsage(total)
            .setBackend(c.backend.name())
            .setRoute(routeChoice())
            .setStages(plan.route().staged() ? List.copyOf(doneStages) : List.of())
            .setAttempts(calls.calls())
            .setCostUsd(calls.costUsd())
            .setPrincipal(principal)
            .setBatch(batchShare)
            .setPersona(plan.persona())
            .build());
    }

    /** The next backend of the stage takes over: unseen before any text, in a new attempt after some. */
    private void failed(Call c, BackendException error) {
        boolean streamed = c.streamed;
        c.record(streamed ? CallLog.ABANDONED : rejectedOrFailed(error), error, null);
        List<String> backends = c.stage.backends();
        if (backendIndex + 1 >= backends.size()) {
            String reason = backends.size() == 1 && plan.stages() == 1 ? error.getMessage()
                : "every backend of route " + plan.decision().route() + " failed: " + calls.reasons();
            failNow(reason);
            return;
        }
        backendIndex++;
        newAttemptDue |= streamed;
        startCall();
    }

    private static String rejectedOrFailed(BackendException error) {
        return error.kind() == FailureKind.BREAKER_OPEN ? CallLog.REJECTED : CallLog.FAILED;
    }

    /** Abandons this attempt's stream and starts the next one with the stages already answered. */
    private void startNewAttemptIfDue() {
        if (!newAttemptDue) {
            return;
        }
        newAttemptDue = false;
        chunks.abandon();
        attempt++;
        chunks = chunkStreams.apply(this);
        attemptText.setLength(0);
        for (StageText done : doneStages) {
            Float confidence = done.getConfidence();
            chunks.boundary(STAGE_START, done.getStage(), confidence, done.getBackend());
            if (!done.getText().isEmpty()) {
                chunks.append(done.getText(), done.getStage(), confidence, this::flushChunks);
            }
            chunks.boundary(STAGE_END, done.getStage(), confidence, null);
            attemptText.append(done.getText());
        }
    }

    /**
     * Starts attempt {@code attempt} as one agent of a batch call, which then feeds the turn through the methods
     * below; answers false when the turn cannot take part (it ended, or a cancel came first: then it ends cancelled).
     */
    boolean startBatched(int attempt, Function<TurnTask, ChunkStream> chunkStreams, RouteChoice route,
                         BatchShare share, PersonaRef persona) {
        boolean started;
        synchronized (this) {
            if (state != State.QUEUED) {
                return false;
            }
            this.attempt = attempt;
            this.chunkStreams = chunkStreams;
            this.chunks = chunkStreams.apply(this);
            this.batchRoute = route;
            this.batched = true;
            this.batchShare = share;
            this.batchPersona = persona;
            hops.contextReady();
            hops.backendSent();
            if (cancelRequested) {
                endCancelled("cancelled before generation started");
            } else {
                state = State.STREAMING;
            }
            started = state == State.STREAMING;
        }
        notifyIfEnded();
        return started;
    }

    /** More of this agent's reply from its batch call. */
    synchronized void batchText(String text) {
        if (state == State.STREAMING && batched) {
            attemptText.append(text);
            chunks.append(text, Stage.ANSWER, null, this::flushChunks);
        }
    }

    /** This agent's reply is complete: ends the turn with it and this agent's share of the call. */
    void batchAnswered(String finishReason, String backend, String model, Usage usage, List<BackendCall> attempts,
                       BatchShare batchShare, Double costUsd) {
        synchronized (this) {
            if (state != State.STREAMING || !batched) {
                return;
            }
            chunks.complete(finishReason, usage);
            end(AssistantReply.newBuilder()
                .setText(attemptText.toString())
                .setModel(model)
                .setFinishReason(finishReason)
                .setUsage(usage)
                .setBackend(backend)
                .setRoute(batchRoute)
                .setAttempts(attempts)
                .setCostUsd(costUsd)
                .setPrincipal(principal)
                .setBatch(batchShare)
                .setPersona(batchPersona)
                .build());
        }
        notifyIfEnded();
    }

    /** The batch call gave this agent no valid answer: ends the turn failed, with its share of the call. */
    void batchFailed(String reason, Usage usage, List<BackendCall> attempts, BatchShare batchShare, Double costUsd) {
        synchronized (this) {
            if (state != State.STREAMING || !batched) {
                return;
            }
            chunks.abort("error", reason, attemptText.toString());
            end(ReplyFailed.newBuilder().setPartialText(attemptText.toString()).setReason(reason)
                .setUsage(usage).setRoute(batchRoute).setAttempts(attempts).setCostUsd(costUsd)
                .setPrincipal(principal).setBatch(batchShare).setPersona(batchPersona).build());
        }
        notifyIfEnded();
    }

    /**
     * The batch call gave this agent no valid answer, and the batch asked to retry alone: the turn goes back to
     * waiting to be started as a single turn, its share of the batch call recorded among its calls. Answers the attempt
     * to start it with (the next one when the batch call had streamed some of its text, which its clients then see
     * reset), or -1 when the turn has ended meanwhile.
     */
    synchronized int retryAlone(BackendCall share, boolean priced) {
        if (state != State.STREAMING || !batched) {
            return -1;
        }
        batched = false;
        calls.add(share, priced);
        boolean streamed = attemptText.length() > 0;
        chunks.abandon();
        attemptText.setLength(0);
        state = State.QUEUED;
        return streamed ? attempt + 1 : attempt;
    }

    /** What this agent streamed so far in its batch call (its partial text). */
    synchronized String batchText() {
        return attemptText.toString();
    }

    /** True once the turn has ended in any way (answered, failed, cancelled or abandoned). */
    synchronized boolean ended() {
        return state == State.ENDED;
    }

    /** Fails the turn: every backend broke, or its tokens could not be written. */
    void fail(String reason) {
        Generation toCancel;
        synchronized (this) {
            if (state == State.ENDED) {
                return;
            }
            toCancel = call == null ? null : call.generation;
            if (call != null && state == State.STREAMING && toCancel != null) {
                call.record(CallLog.CANCELLED, null, null);
            }
            failNow(reason);
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        notifyIfEnded();
    }

    private void failNow(String reason) {
        if (chunks != null) {
            chunks.abort("error", reason, attemptText.toString());
        }
        end(ReplyFailed.newBuilder().setPartialText(attemptText.toString()).setReason(reason)
            .setUsage(calls.total()).setRoute(routeChoice()).setAttempts(calls.calls()).setCostUsd(calls.costUsd())
            .setPrincipal(principal).setPersona(personaRef()).setBatch(batchShare).build());
    }

    /** A client asked to stop: ends the turn now if it is streaming, else as soon as it would start. */
    void cancel(String reason) {
        Generation toCancel;
        synchronized (this) {
            cancelRequested = true;
            if (state != State.STREAMING) {
                return;
            }
            toCancel = call == null ? null : call.generation; // a batched turn has no call of its own
            if (call != null) {
                call.record(CallLog.CANCELLED, null, null);
            }
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
            hops.ended("abandoned");
            toCancel = call == null ? null : call.generation;
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
            chunks.abort("cancelled", reason, attemptText.toString());
        }
        end(ReplyCancelled.newBuilder().setPartialText(attemptText.toString()).setReason(reason)
            .setUsage(calls.total()).setRoute(routeChoice()).setAttempts(calls.calls()).setCostUsd(calls.costUsd())
            .setPrincipal(principal).setPersona(personaRef()).setBatch(batchShare).build());
    }

    /** The persona block the requests began with; null without one, or when no request was planned. */
    private PersonaRef personaRef() {
        return plan == null ? batchPersona : plan.persona();
    }

    private RouteChoice routeChoice() {
        return plan == null ? batchRoute
            : RouteChoice.newBuilder().setRoute(plan.decision().route()).setRule(plan.decision().rule()).build();
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

    List<ContextMessage> givenContext() {
        return givenContext;
    }

    /** The route the client asked for, or null. */
    String requestedRoute() {
        return requestedRoute;
    }

    boolean spotlight() {
        return spotlight;
    }

    /** Who sent the turn; null without authentication. */
    String principal() {
        return principal;
    }

    /** The persona the session names, or null. */
    String persona() {
        return persona;
    }

    /** The turn's batch tag (UserTurn.batch), or null for a single turn. */
    BatchTag batch() {
        return batch;
    }

    /** The client's generation settings (UserTurn.generation), or null: every call of the turn gets them. */
    GenerationSettings generation() {
        return generation;
    }

    /** The route the batcher already decided for this turn, or null. */
    RouteDecision decided() {
        return decided;
    }

    void decided(RouteDecision decision) {
        this.decided = decision;
    }

    synchronized boolean cancelRequested() {
        return cancelRequested;
    }
}
