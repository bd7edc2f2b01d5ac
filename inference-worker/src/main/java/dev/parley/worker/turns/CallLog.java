package dev.parley.worker.turns;

import dev.parley.avro.BackendCall;
import dev.parley.avro.Usage;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.BackendException;
import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.backend.ChatRequest;
import dev.parley.worker.backend.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every backend call of one turn, for its terminal ledger event: outcome, reason, partial text, usage and cost.
 * Usage is what the backend reported or, when it reported none (a failed or cancelled call, a server that does not
 * count), an estimate of four characters per token, flagged as estimated. Not thread-safe: its turn's lock guards it.
 */
final class CallLog {

    static final String COMPLETED = "completed";
    /** Failed before any text: the next backend took over without the client seeing it. */
    static final String FAILED = "failed";
    /** Failed after streaming text: a new attempt took over. */
    static final String ABANDONED = "abandoned";
    static final String CANCELLED = "cancelled";
    /** Its circuit breaker was open: no request was made. */
    static final String REJECTED = "rejected";

    private static final int CHARS_PER_TOKEN = 4;

    private final List<BackendCall> calls = new ArrayList<>();
    /** Whether any call's backend has prices: a cost of 0 then means free, not unknown. */
    private boolean priced;

    /** Records a call that ended; {@code reported} is null when the backend gave no counts. */
    void add(int attempt, String stage, BackendConfig backend, String outcome, BackendException error, String text,
             TokenUsage reported, ChatRequest request) {
        Usage usage = null;
        double callCost = 0;
        if (!REJECTED.equals(outcome)) {
            usage = reported != null
                ? Usage.newBuilder().setPromptTokens(reported.promptTokens())
                    .setCompletionTokens(reported.completionTokens())
                    .setCachedPromptTokens(reported.cachedPromptTokens()).setEstimated(false).build()
                : Usage.newBuilder().setPromptTokens(estimate(promptChars(request)))
                    .setCompletionTokens(estimate(text.length())).setEstimated(true).build();
            if (backend.prices() != null) {
                priced = true;
                callCost = backend.prices().cost(usage.getPromptTokens(), usage.getCompletionTokens());
            }
        }
        calls.add(BackendCall.newBuilder()
            .setAttempt(attempt)
            .setStage(stage)
            .setBackend(backend.name())
            .setModel(backend.model())
            .setOutcome(outcome)
            .setReason(error == null ? null : error.getMessage())
            .setFailureKind(error == null ? null : error.kind().apiName())
            .setPartialText(COMPLETED.equals(outcome) ? "" : text)
            .setUsage(usage)
            .setCostUsd(callCost)
            .build());
    }

    /** Records a call another part recorded already (a batch call's share of it); {@code priced} as its backend is. */
    void add(BackendCall call, boolean priced) {
        this.priced |= priced;
        calls.add(call);
    }

    List<BackendCall> calls() {
        return List.copyOf(calls);
    }

    /** The sum over every call, or null when no call reached a backend. */
    Usage total() {
        long prompt = 0;
        long completion = 0;
        long cached = 0;
        boolean estimated = false;
        boolean any = false;
        for (BackendCall call : calls) {
            Usage usage = call.getUsage();
            if (usage != null) {
                any = true;
                prompt += usage.getPromptTokens();
                completion += usage.getCompletionTokens();
                cached += usage.getCachedPromptTokens();
                estimated |= usage.getEstimated();
            }
        }
        return any ? Usage.newBuilder().setPromptTokens(clamp(prompt)).setCompletionTokens(clamp(completion))
            .setCachedPromptTokens(clamp(cached)).setEstimated(estimated).build() : null;
    }

    /** The cost of every call, or null when none of the backends has prices. */
    Double costUsd() {
        return priced ? calls.stream().mapToDouble(BackendCall::getCostUsd).sum() : null;
    }

    /** Each failed call's backend and reason, for a ReplyFailed that names every backend tried. */
    String reasons() {
        return calls.stream()
            .filter(call -> call.getReason() != null)
            .map(call -> call.getBackend() + ": " + call.getReason())
            .collect(Collectors.joining("; "));
    }

    private static int promptChars(ChatRequest request) {
        int chars = 0;
        for (ChatMessage message : request.messages()) {
            chars += message.content().length();
        }
        return chars;
    }

    private static int estimate(int chars) {
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    private static int clamp(long tokens) {
        return (int) Math.min(Integer.MAX_VALUE, tokens);
    }
}
