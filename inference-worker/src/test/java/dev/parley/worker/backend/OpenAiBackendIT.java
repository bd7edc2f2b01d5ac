package dev.parley.worker.backend;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
/** HttpBackend with the OpenAI protocol against the in-module simulator. */
class OpenAiBackendIT {

    private static final Duration QUIET = Duration.ofMillis(300);

    private Vertx vertx;
    private LlmSimulator simulator;
    private HttpBackend backend;

    @BeforeEach
    void start(Vertx vertx) {
        this.vertx = vertx;
        simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults()
            .withTimeToFirstToken(Duration.ofMillis(5))
            .withInterTokenLatency(Duration.ofMillis(1)));
        backend = HttpBackend.create(vertx, BackendConfig.of(simulator.baseUrl(), "parley-simulator"));
    }

    @AfterEach
    void stop() {
        backend.close();
        simulator.close();
    }

    @Test
    @DisplayName("an exact reply with unicode arrives byte for byte, in several tokens")
    void exactUnicodeReply() {
        RecordingListener listener = stream(backend,
            "Say it.\n#sim: reply=\"Grüße, 世界! 🎉 naïve café\\nline two  with  spaces \\\"quoted\\\" \"");
        RecordingListener.Outcome outcome = listener.awaitCompletion();
        assertEquals("Grüße, 世界! 🎉 naïve café\nline two  with  spaces \"quoted\" ", listener.text());
        assertEquals(List.of("Grüße,", " 世界!", " 🎉", " naïve", " café", "\nline", " two", "  with", "  spaces",
            " \"quoted\" "), listener.tokens());
        assertEquals("stop", outcome.finishReason());
        listener.assertContractKept();
    }

    @Test
    @DisplayName("the same prompt gets the same text, a different prompt a different one")
    void deterministicText() {
        RecordingListener first = stream(backend, "What is a partition?");
        first.awaitCompletion();
        RecordingListener again = stream(backend, "What is a partition?");
        again.awaitCompletion();
        RecordingListener other = stream(backend, "What is an offset?");
        other.awaitCompletion();
        assertFalse(first.text().isBlank());
        assertEquals(first.text(), again.text());
        assertNotEquals(first.text(), other.text());
    }

    @Test
    @DisplayName("tokens= sets the number of tokens and usage reports them")
    void tokenCountAndUsage() {
        RecordingListener listener = stream(backend, "Count to seven.\n#sim: tokens=7 itl_ms=2 ttft_ms=1");
        RecordingListener.Outcome outcome = listener.awaitCompletion();
        assertEquals(7, listener.tokens().size());
        assertEquals(new TokenUsage(3, 7), outcome.usage());
        listener.assertContractKept();
    }

    @Test
    @DisplayName("finish=length is reported as the finish reason")
    void finishLength() {
        RecordingListener.Outcome outcome = stream(backend, "Long story.\n#sim: tokens=3 finish=length")
            .awaitCompletion();
        assertEquals("length", outcome.finishReason());
    }

    @Test
    @DisplayName("fail_after=3 gives three tokens, then an error with the server's message")
    void failAfter() {
        RecordingListener listener = stream(backend, "Fail.\n#sim: fail_after=3 tokens=10");
        BackendException error = listener.awaitError();
        assertEquals(3, listener.awaitOutcome().tokensBefore());
        assertTrue(error.getMessage().contains("simulated failure after 3 tokens"), error.getMessage());
        assertEquals(FailureKind.PROTOCOL, error.kind());
        assertNoMoreCallbacks(listener, 3);
        await().until(() -> simulator.activeStreams() == 0);
        assertEquals(0, simulator.cancelledStreams());
    }

    @Test
    @DisplayName("a stream that stalls mid-reply ends with the idle timeout, and the upstream request is dropped")
    void stallAfter() {
        HttpBackend impatient = HttpBackend.create(vertx, backend.config().withIdleTimeout(QUIET));
        try {
            RecordingListener listener = stream(impatient, "Stall.\n#sim: stall_after=2 tokens=10");
            BackendException error = listener.awaitError();
            assertEquals("backend default: stalled: no data for 300ms", error.getMessage());
            assertEquals(FailureKind.IDLE_STALL, error.kind());
            assertEquals(2, listener.awaitOutcome().tokensBefore());
            await().until(() -> simulator.cancelledStreams() == 1 && simulator.activeStreams() == 0);
            assertNoMoreCallbacks(listener, 2);
        } finally {
            impatient.close();
        }
    }

    @Test
    @DisplayName("no first token within the first-token timeout is an error, and the upstream request is dropped")
    void firstTokenTimeout() {
        HttpBackend impatient = HttpBackend.create(vertx, backend.config().withFirstTokenTimeout(QUIET));
        try {
            RecordingListener listener = stream(impatient, "Slow.\n#sim: ttft_ms=60000");
            BackendException error = listener.awaitError();
            assertEquals("backend default: no first token within 300ms", error.getMessage());
            assertEquals(FailureKind.FIRST_TOKEN_TIMEOUT, error.kind());
            assertEquals(0, listener.tokens().size());
            await().until(() -> simulator.cancelledStreams() == 1 && simulator.activeStreams() == 0);
        } finally {
            impatient.close();
        }
    }

    @Test
    @DisplayName("HTTP 503 is an error naming the status and the server's message")
    void status503() {
        RecordingListener listener = stream(backend, "Busy?\n#sim: status=503");
        BackendException error = listener.awaitError();
        assertTrue(error.getMessage().contains("503"), error.getMessage());
        assertTrue(error.getMessage().contains("simulated HTTP 503"), error.getMessage());
        assertEquals(FailureKind.HTTP_5XX, error.kind());
        assertEquals(0, listener.tokens().size());
        listener.assertContractKept();
    }

    @Test
    @DisplayName("a bad directive is an error naming HTTP 400 and the key")
    void badDirective() {
        BackendException error = stream(backend, "Hi\n#sim: colour=blue").awaitError();
        assertTrue(error.getMessage().contains("400"), error.getMessage());
        assertTrue(error.getMessage().contains("colour"), error.getMessage());
        assertEquals(FailureKind.HTTP_4XX, error.kind());
    }

    @Test
    @DisplayName("a connection dropped mid-reply is an error after the tokens that made it")
    void disconnectAfter() {
        RecordingListener listener = stream(backend, "Drop.\n#sim: disconnect_after=2 tokens=10");
        BackendException error = listener.awaitError();
        assertTrue(error.getMessage().startsWith("backend default: stream ended before the reply was complete"), error.getMessage());
        assertEquals(2, listener.awaitOutcome().tokensBefore());
        assertNoMoreCallbacks(listener, 2);
    }

    @Test
    @DisplayName("a server that goes down mid-reply is an error after the tokens that made it")
    void serverGoesDown() {
        RecordingListener listener = stream(backend, "Long.\n#sim: tokens=1000 itl_ms=10");
        await().until(() -> listener.tokenCount() >= 2);
        simulator.close();
        BackendException error = listener.awaitError();
        assertTrue(error.getMessage().startsWith("backend default: stream ended before the reply was complete"), error.getMessage());
        assertNoMoreCallbacks(listener, listener.awaitOutcome().tokensBefore());
    }

    @Test
    @DisplayName("cancel mid-stream from another thread: no more callbacks, and the simulator sees the client leave")
    void cancelFromAnotherThread() {
        RecordingListener listener = new RecordingListener();
        Generation generation = backend.stream(request("Long.\n#sim: tokens=1000 itl_ms=10"), listener);
        await().until(() -> listener.tokenCount() >= 3);
        generation.cancel();
        await().until(() -> simulator.cancelledStreams() == 1 && simulator.activeStreams() == 0);
        // the reset ran on the callbacks' thread, so a token that was under way during cancel() has landed by now
        assertNoMoreCallbacks(listener, listener.tokenCount());
        assertFalse(listener.ended());
        generation.cancel();
    }

    @Test
    @DisplayName("cancel inside onToken: not one callback more")
    void cancelInsideCallback() {
        AtomicReference<Generation> generation = new AtomicReference<>();
        RecordingListener listener = new RecordingListener(count -> {
            if (count == 3) {
                generation.get().cancel();
            }
        });
        generation.set(backend.stream(request("Long.\n#sim: tokens=1000 itl_ms=1 ttft_ms=50"), listener));
        await().until(() -> simulator.cancelledStreams() == 1 && simulator.activeStreams() == 0);
        assertNoMoreCallbacks(listener, 3);
        assertFalse(listener.ended());
    }

    @Test
    @DisplayName("50 concurrent streams each get their own exact text")
    void concurrentStreams() {
        List<RecordingListener> listeners = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            listeners.add(stream(backend, "#sim: reply=\"Stream " + i + " says grüß dich 🎉 to 世界, number " + i
                + ".\" itl_ms=2"));
        }
        for (int i = 0; i < 50; i++) {
            listeners.get(i).awaitCompletion();
            assertEquals("Stream " + i + " says grüß dich 🎉 to 世界, number " + i + ".", listeners.get(i).text());
            listeners.get(i).assertContractKept();
        }
        await().until(() -> simulator.activeStreams() == 0);
        assertEquals(50, simulator.totalStreams());
        assertEquals(0, simulator.cancelledStreams());
    }

    @Test
    @DisplayName("a server that cannot be reached is an error, not a hang")
    void unreachable() {
        LlmSimulator gone = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults());
        String url = gone.baseUrl();
        gone.close();
        HttpBackend nowhere = HttpBackend.create(vertx, BackendConfig.of(url, "m"));
        try {
            BackendException error = stream(nowhere, "Anyone?").awaitError();
            assertTrue(error.getMessage().startsWith("backend default: cannot reach " + url), error.getMessage());
            assertEquals(FailureKind.CONNECT, error.kind());
        } finally {
            nowhere.close();
        }
    }

    @Test
    @DisplayName("cancel after the end is a no-op")
    void cancelAfterEnd() {
        RecordingListener listener = new RecordingListener();
        Generation generation = backend.stream(request("Short.\n#sim: tokens=2"), listener);
        listener.awaitCompletion();
        generation.cancel();
        listener.assertContractKept();
        assertEquals(0, simulator.cancelledStreams());
        assertNull(listener.awaitOutcome().error());
    }

    private static RecordingListener stream(HttpBackend target, String prompt) {
        RecordingListener listener = new RecordingListener();
        target.stream(request(prompt), listener);
        return listener;
    }

    private static ChatRequest request(String userMessage) {
        return new ChatRequest(null, List.of(ChatMessage.user(userMessage)));
    }

    /** Asserts the negative: for a while, no token and no terminal callback beyond what was already there. */
    private static void assertNoMoreCallbacks(RecordingListener listener, int tokens) {
        int terminals = listener.terminalCount();
        await().during(QUIET).atMost(QUIET.multipliedBy(3))
            .until(() -> listener.tokenCount() == tokens && listener.terminalCount() == terminals);
        listener.assertContractKept();
    }
}
