package dev.parley.worker.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Records one generation's callbacks, and every breach of the listener contract, for assertions. */
final class RecordingListener implements StreamListener {

    /** How a generation ended; exactly one of finishReason and error is set. */
    record Outcome(String finishReason, TokenUsage usage, BackendException error, int tokensBefore) {
    }

    private final List<String> tokens = new ArrayList<>();
    private final StringBuilder reasoning = new StringBuilder();
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final AtomicInteger terminals = new AtomicInteger();
    private final AtomicInteger callsAfterEnd = new AtomicInteger();
    private final Consumer<Integer> onTokenCount;

    RecordingListener() {
        this(count -> { });
    }

    /** Also calls {@code onTokenCount} with the number of tokens so far after each token. */
    RecordingListener(Consumer<Integer> onTokenCount) {
        this.onTokenCount = onTokenCount;
    }

    @Override
    public void onToken(String text) {
        if (text == null || text.isEmpty()) {
            throw new AssertionError("empty token");
        }
        if (outcome.isDone()) {
            callsAfterEnd.incrementAndGet();
        }
        int count;
        synchronized (tokens) {
            tokens.add(text);
            count = tokens.size();
        }
        onTokenCount.accept(count);
    }

    @Override
    public void onReasoning(String text) {
        if (text == null || text.isEmpty()) {
            throw new AssertionError("empty reasoning");
        }
        if (outcome.isDone()) {
            callsAfterEnd.incrementAndGet();
        }
        synchronized (reasoning) {
            reasoning.append(text);
        }
    }

    @Override
    public void onComplete(String finishReason, TokenUsage usage) {
        end(new Outcome(finishReason, usage, null, tokenCount()));
    }

    @Override
    public void onError(BackendException error) {
        end(new Outcome(null, null, error, tokenCount()));
    }

    private void end(Outcome result) {
        if (terminals.incrementAndGet() > 1) {
            callsAfterEnd.incrementAndGet();
        }
        outcome.complete(result);
    }

    /** Waits for the terminal callback (a bounded wait for an outcome, not a sleep). */
    Outcome awaitOutcome() {
        try {
            return outcome.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no terminal callback; tokens so far: " + tokens(), e);
        }
    }

    Outcome awaitCompletion() {
        Outcome result = awaitOutcome();
        assertNull(result.error(), () -> "expected completion, got " + result.error());
        return result;
    }

    BackendException awaitError() {
        Outcome result = awaitOutcome();
        assertNotNull(result.error(), () -> "expected an error, got completion " + result);
        return result.error();
    }

    boolean ended() {
        return outcome.isDone();
    }

    List<String> tokens() {
        synchronized (tokens) {
            return List.copyOf(tokens);
        }
    }

    int tokenCount() {
        synchronized (tokens) {
            return tokens.size();
        }
    }

    String reasoning() {
        synchronized (reasoning) {
            return reasoning.toString();
        }
    }

    String text() {
        return String.join("", tokens());
    }

    /** No token after the end and no second terminal callback. */
    void assertContractKept() {
        assertEquals(0, callsAfterEnd.get(), "callbacks after the terminal callback");
        assertEquals(ended() ? 1 : 0, terminals.get(), "terminal callbacks");
    }

    int terminalCount() {
        return terminals.get();
    }
}
