package dev.parley.worker.turns;

import dev.parley.avro.BackendCall;
import dev.parley.avro.BatchShare;
import dev.parley.avro.RouteChoice;
import dev.parley.avro.Usage;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.BackendException;
import dev.parley.worker.backend.FailureKind;
import dev.parley.worker.backend.Generation;
import dev.parley.worker.backend.StreamListener;
import dev.parley.worker.backend.TokenUsage;
import dev.parley.worker.batch.BatchReplyParser;
import dev.parley.worker.catalogue.Stage;
import dev.parley.worker.resilience.GuardedBackend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend call that answers several turns at once, each as one agent of a JSON array ({@link BatchPlan}). As the
 * array streams in, {@link BatchReplyParser} hands each agent's text to that agent's turn only, and the moment an
 * agent's object closes its turn ends with its reply (its terminal event goes to the ledger with the next commit).
 * The one exception is the agent that completes last: it ends when the call does, so its terminal event can carry
 * the whole call's reported usage.
 *
 * <p>Faults never give an agent another's text. An object for an agent not in the call, or a second object for an
 * agent, is ignored (the first answer stands). When the call ends, every agent without an answer (missing from the
 * array, malformed JSON, a cut stream, a failed backend) fails with the reason, or, when its batch asks for it
 * ({@code retryAlone}), is answered again alone as a single turn. A backend that fails before any text is
 * replaced by the route's next one, as for single turns; after text, the call fails (agents already answered keep
 * their answers).
 *
 * <p>Usage: an agent answered early is charged an estimate (four characters per token) of its part of the prompt, an
 * even share of the shared part, and its reply; the agents ending with the call share what the backend reported minus
 * those estimates, in proportion to their own estimates, so the shares add up to the reported usage (unless the
 * estimates alone exceed it: then the agents ending with the call are charged nothing more). The whole call
 * ({@code BatchShare.call}) is recorded once, on the terminal event of the first agent (in prompt order) ending with
 * the call. Backend callbacks, cancels and revocations come from different threads: all go through this lock.
 */
final class BatchCall implements StreamListener, BatchReplyParser.Listener {

    private static final Logger log = LoggerFactory.getLogger(BatchCall.class);
    private static final int CHARS_PER_TOKEN = 4;
    /** The JSON around one agent's reply in the array, {@code {"agent":"..","reply":".."},}, roughly. */
    private static final int OBJECT_OVERHEAD_CHARS = 24;

    private final BatchPlan plan;
    /** Starts a turn the call gave no valid answer again alone, in the given attempt (when its batch asks to). */
    private final ObjIntConsumer<TurnTask> alone;
    private final String callId = UuidV7.next().toString();
    private final Map<String, Integer> positions = new HashMap<>();
    private final Set<String> answered = new LinkedHashSet<>();
    private final Usage[] shares;
    private final List<BackendCall> failedBackends = new ArrayList<>();
    private final BatchReplyParser parser = new BatchReplyParser(this);
    private final StringBuilder callText = new StringBuilder();
    private int backendIndex;
    private GuardedBackend backend;
    private Generation generation;
    private boolean streamed;
    private boolean over;
    /** True while the parser reads a token (a malformed array then stops the call). */
    private boolean feeding;
    private String malformed;
    /** The agent that completed last, waiting for the call to end; -1 when none. */
    private int held = -1;

    BatchCall(BatchPlan plan, ObjIntConsumer<TurnTask> alone) {
        this.plan = plan;
        this.alone = alone;
        for (int i = 0; i < plan.agents().size(); i++) {
            positions.put(plan.agents().get(i), i);
        }
        this.shares = new Usage[plan.tasks().size()];
    }

    /**
     * Starts every turn as an agent of this call (with its attempt number), then the call itself; a turn that cannot
     * take part (cancelled meanwhile) is left out. Returns once the call is open: its callbacks come later.
     */
    void start(int[] attempts, Function<TurnTask, ChunkStream> chunkStreams) {
        RouteChoice route = RouteChoice.newBuilder().setRoute(plan.decision().route()).setRule(plan.decision().rule())
            .build();
        List<CompletableFuture<Void>> settled = new ArrayList<>();
        for (int i = 0; i < plan.tasks().size(); i++) {
            TurnTask task = plan.tasks().get(i);
            task.startBatched(attempts[i], chunkStreams, route, share(i, null), plan.persona());
            settled.add(task.settled());
        }
        synchronized (this) {
            open();
        }
        // every turn gone (cancelled, revoked): nobody waits for the rest of the call. Async: a turn settles under its
        // own lock, and this call's lock is always taken before a turn's, never after
        CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new)).thenRunAsync(this::cancelIfOver);
    }

    private void open() {
        backend = plan.backends().apply(plan.backendNames().get(backendIndex));
        TurnTask first = plan.tasks().get(0);
        generation = backend.stream(plan.request(), this, first.principal(), plan.spotlight());
    }

    private void cancelIfOver() {
        Generation toCancel;
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
            toCancel = generation;
        }
        log.debug("Batch call {}: every turn ended before the call did; cancelling it", callId);
        if (toCancel != null) {
            toCancel.cancel();
        }
    }

    @Override
    public synchronized void onToken(String token) {
        if (!over) {
            streamed = true;
            callText.append(token);
            feeding = true;
            try {
                parser.feed(token);
            } finally {
                feeding = false;
            }
        }
    }

    @Override
    public void onReasoning(String token) {
        // a model's thinking is not any agent's reply
    }

    @Override
    public synchronized void onComplete(String finishReason, TokenUsage usage) {
        if (over) {
            return;
        }
        parser.finish();
        end(finishReason == null ? "stop" : finishReason, usage, null);
    }

    @Override
    public synchronized void onError(BackendException error) {
        if (over) {
            return;
        }
        if (!streamed && backendIndex + 1 < plan.backendNames().size()) {
            failedBackends.add(record(error.kind() == FailureKind.BREAKER_OPEN ? CallLog.REJECTED : CallLog.FAILED,
                error, null));
            backendIndex++;
            open();
            return;
        }
        end(null, null, error);
    }

    // BatchReplyParser.Listener: called under this lock, from onToken/onComplete

    @Override
    public void replyText(String agent, String delta) {
        Integer position = positions.get(agent);
        if (position != null && !answered.contains(agent)) {
            plan.tasks().get(position).batchText(delta);
        }
    }

    @Override
    public void answered(String agent, String reply) {
        Integer position = agent == null ? null : positions.get(agent);
        if (position == null) {
            log.info("Batch call {}: ignoring an object for agent {}, who is not in the call", callId, agent);
            return;
        }
        if (!answered.add(agent)) {
            log.info("Batch call {}: ignoring a second object for agent {} (its first answer stands)", callId, agent);
            return;
        }
        TurnTask task = plan.tasks().get(position);
        if (reply == null) {
            fail(position, estimate(position, task.batchText().length()), "the batch reply's object for agent "
                + agent + " has no reply text", null, false);
            return;
        }
        boolean othersOpen = false;
        for (int i = 0; i < plan.tasks().size(); i++) {
            othersOpen |= i != position && !plan.tasks().get(i).ended();
        }
        if (!othersOpen) {
            held = position; // the last one: it ends with the call, carrying the call's usage
            return;
        }
        Usage share = estimate(position, reply.length());
        shares[position] = share;
        task.batchAnswered("stop", backend.name(), backend.config().model(), share,
            attempts(position, CallLog.COMPLETED, null, share), share(position, null), cost(share));
    }

    @Override
    public void malformed(String reason) {
        malformed = reason;
        if (feeding) {
            // the array is broken while the call still streams: nothing after this can be read, so stop it now
            Generation toCancel = generation;
            end(null, null, null);
            toCancel.cancel();
        }
    }

    /** Ends the call: the held agent gets its answer, every other open agent fails; shares the reported usage. */
    private void end(String finishReason, TokenUsage reported, BackendException error) {
        if (over) {
            return;
        }
        over = true;
        List<Integer> ending = new ArrayList<>();
        for (int i = 0; i < plan.tasks().size(); i++) {
            if (i == held || !plan.tasks().get(i).ended()) {
                ending.add(i);
            }
        }
        Usage total = total(reported);
        Usage[] finalShares = remainderShares(ending, total);
        String outcome = error == null && malformed == null ? CallLog.COMPLETED : CallLog.FAILED;
        BackendCall whole = record(outcome, error, total);
        boolean first = true;
        for (int k = 0; k < ending.size(); k++) {
            int position = ending.get(k);
            BackendCall wholeHere = first ? whole : null;
            first = false;
            if (position == held) {
                plan.tasks().get(position).batchAnswered(finishReason == null ? "stop" : finishReason, backend.name(),
                    backend.config().model(), finalShares[k], attempts(position, CallLog.COMPLETED, null,
                        finalShares[k]), share(position, wholeHere), cost(finalShares[k]));
            } else {
                fail(position, finalShares[k], reason(position, error), wholeHere, true);
            }
        }
        if (ending.isEmpty()) {
            log.info("Batch call {} ended after all of its turns: its usage {} is on no terminal event", callId, total);
        }
    }

    private String reason(int position, BackendException error) {
        String agent = plan.agents().get(position);
        if (error != null) {
            return "the batch call failed before agent " + agent + "'s answer was complete: " + error.getMessage();
        }
        if (malformed != null) {
            return malformed + " (agent " + agent + " had no complete answer before it)";
        }
        return "the batch reply has no answer for agent " + agent;
    }

    private void fail(int position, Usage share, String reason, BackendCall whole, boolean atEnd) {
        shares[position] = share;
        TurnTask task = plan.tasks().get(position);
        if (retriesAlone(task)) {
            int attempt = task.retryAlone(agentCall(position, CallLog.FAILED, reason, share),
                backend.config().prices() != null);
            if (attempt > 0) {
                log.info("Batch call {}: {}; answering it alone", callId, reason);
                alone.accept(task, attempt);
                return;
            }
        }
        task.batchFailed(reason, share, attempts(position, CallLog.FAILED, reason, share), share(position, whole),
            cost(share));
        if (!atEnd) {
            log.info("Batch call {}: {}", callId, reason);
        }
    }

    /** Whether the turn's batch (or its route's window) asks to answer a turn without a valid answer alone. */
    private boolean retriesAlone(TurnTask task) {
        return task.batch() != null ? task.batch().getRetryAlone()
            : plan.route().batch() != null && plan.route().batch().retryAlone();
    }

    private BatchShare share(int position, BackendCall whole) {
        var tag = plan.tasks().get(position).batch();
        return BatchShare.newBuilder()
            .setBatchId(tag == null ? callId : tag.getBatchId())
            .setAgent(plan.agents().get(position))
            .setCallId(callId)
            .setCallAgents(plan.tasks().size())
            .setCall(whole)
            .build();
    }

    /** The agent's terminal's attempts: backends that failed before any text, then its share of this call. */
    private List<BackendCall> attempts(int position, String outcome, String reason, Usage share) {
        List<BackendCall> attempts = new ArrayList<>(failedBackends);
        attempts.add(agentCall(position, outcome, reason, share));
        return attempts;
    }

    /** This agent's line in its terminal's attempts: the call as far as this agent is concerned. */
    private BackendCall agentCall(int position, String outcome, String reason, Usage share) {
        TurnTask task = plan.tasks().get(position);
        BackendConfig config = backend.config();
        return BackendCall.newBuilder()
            .setAttempt(task.attempt())
            .setStage(Stage.ANSWER)
            .setBackend(config.name())
            .setModel(config.model())
            .setOutcome(outcome)
            .setReason(reason)
            .setPartialText(CallLog.COMPLETED.equals(outcome) ? "" : task.batchText())
            .setUsage(share)
            .setCostUsd(cost(share) == null ? 0 : cost(share))
            .build();
    }

    /** The whole call, for the record: what the backend reported, or an estimate. */
    private BackendCall record(String outcome, BackendException error, Usage usage) {
        BackendConfig config = backend.config();
        return BackendCall.newBuilder()
            .setAttempt(plan.tasks().get(0).attempt())
            .setStage(Stage.ANSWER)
            .setBackend(config.name())
            .setModel(config.model())
            .setOutcome(outcome)
            .setReason(error != null ? error.getMessage() : malformed)
            .setFailureKind(error == null ? null : error.kind().apiName())
            .setUsage(usage)
            .setCostUsd(usage == null || cost(usage) == null ? 0 : cost(usage))
            .build();
    }

    private Usage total(TokenUsage reported) {
        if (reported != null) {
            return Usage.newBuilder().setPromptTokens(reported.promptTokens())
                .setCompletionTokens(reported.completionTokens()).setEstimated(false).build();
        }
        int promptChars = plan.sharedChars();
        for (int chars : plan.agentChars()) {
            promptChars += chars;
        }
        return Usage.newBuilder().setPromptTokens(tokens(promptChars)).setCompletionTokens(tokens(callText.length()))
            .setEstimated(true).build();
    }

    /** An agent's estimated share: its part of the prompt, an even part of the shared prompt, and its reply. */
    private Usage estimate(int position, int replyChars) {
        int n = plan.tasks().size();
        int prompt = tokens(plan.agentChars()[position] + plan.sharedChars() / n);
        return Usage.newBuilder().setPromptTokens(prompt).setCompletionTokens(tokens(replyChars + OBJECT_OVERHEAD_CHARS))
            .setEstimated(true).build();
    }

    /** What is left of {@code total} after the early shares, split over {@code ending} by their own estimates. */
    private Usage[] remainderShares(List<Integer> ending, Usage total) {
        long promptLeft = total.getPromptTokens();
        long completionLeft = total.getCompletionTokens();
        for (int i = 0; i < shares.length; i++) {
            if (shares[i] != null && !ending.contains(i)) {
                promptLeft -= shares[i].getPromptTokens();
                completionLeft -= shares[i].getCompletionTokens();
            }
        }
        promptLeft = Math.max(0, promptLeft);
        completionLeft = Math.max(0, completionLeft);
        Usage[] result = new Usage[ending.size()];
        long[] promptWeights = new long[ending.size()];
        long[] completionWeights = new long[ending.size()];
        for (int k = 0; k < ending.size(); k++) {
            int position = ending.get(k);
            Usage own = estimate(position, plan.tasks().get(position).batchText().length());
            promptWeights[k] = own.getPromptTokens();
            completionWeights[k] = own.getCompletionTokens();
        }
        long[] prompts = split(promptLeft, promptWeights);
        long[] completions = split(completionLeft, completionWeights);
        for (int k = 0; k < ending.size(); k++) {
            result[k] = Usage.newBuilder().setPromptTokens((int) prompts[k]).setCompletionTokens((int) completions[k])
                .setEstimated(total.getEstimated()).build();
        }
        return result;
    }

    /** {@code amount} split in proportion to {@code weights}, whole numbers adding up to it exactly. */
    static long[] split(long amount, long[] weights) {
        long[] parts = new long[weights.length];
        long sum = 0;
        for (long weight : weights) {
            sum += Math.max(1, weight);
        }
        long given = 0;
        for (int k = 0; k < weights.length; k++) {
            parts[k] = amount * Math.max(1, weights[k]) / Math.max(1, sum);
            given += parts[k];
        }
        for (int k = 0; given < amount && weights.length > 0; k = (k + 1) % weights.length) {
            parts[k]++;
            given++;
        }
        return parts;
    }

    private Double cost(Usage usage) {
        var prices = backend.config().prices();
        return prices == null || usage == null ? null : prices.cost(usage.getPromptTokens(), usage.getCompletionTokens());
    }

    private static int tokens(long chars) {
        return (int) Math.min(Integer.MAX_VALUE, (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
    }
}
