package dev.parley.postprocess.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LlmSummarizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final List<SummaryTurn> TURNS = List.of(
            new SummaryTurn("t1", "I'm planning a trip to Lisbon in May.", "Lisbon in May is lovely."),
            new SummaryTurn("t2", "Is Alfama cheap?", null));

    private HttpServer server;
    private ExecutorService executor;
    private final CountDownLatch release = new CountDownLatch(1);

    private volatile int status = 200;
    private volatile String responseBody = completion("Ada plans a May trip to Lisbon.");
    private volatile boolean stall;
    private volatile Recorded recorded;

    private record Recorded(String method, String path, String authorization, String contentType, String body) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        recorded = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Content-Type"), body);
        if (stall) {
            awaitRelease();
        }
        byte[] bytes = responseBody.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    @DisplayName("a 200 answer's choices[0].message.content is the summary, trimmed")
    void returnsContent() {
        responseBody = completion("  Ada plans a May trip to Lisbon.  \n");
        assertEquals("Ada plans a May trip to Lisbon.", summarizer("sk-test").summarize(null, TURNS, 500));
    }

    @Test
    @DisplayName("the request is a non-streaming chat completion for the model, with the bearer key")
    void sendsModelMessagesAndBearer() throws IOException {
        summarizer("sk-test").summarize("User: Ada is a nurse.", TURNS, 400);
        assertEquals("POST", recorded.method());
        assertEquals("/v1/chat/completions", recorded.path());
        assertEquals("Bearer sk-test", recorded.authorization());
        assertEquals("application/json", recorded.contentType());
        JsonNode request = JSON.readTree(recorded.body());
        assertEquals("tiny-model", request.get("model").asText());
        assertFalse(request.get("stream").asBoolean(true));
        assertEquals("system", request.at("/messages/0/role").asText());
        assertEquals(LlmSummarizer.SYSTEM_PROMPT, request.at("/messages/0/content").asText());
        assertEquals("user", request.at("/messages/1/role").asText());
        String content = request.at("/messages/1/content").asText();
        assertTrue(content.contains("User: Ada is a nurse."), content);
        assertTrue(content.contains("User: I'm planning a trip to Lisbon in May.\nAssistant: Lisbon in May is lovely."),
                content);
        assertTrue(content.contains("User: Is Alfama cheap?\n\n"), "a turn without a reply has no Assistant line");
        assertTrue(content.contains("at most 400 characters"), content);
    }

    @Test
    @DisplayName("without an API key no Authorization header is sent")
    void noKeyNoHeader() {
        summarizer(null).summarize(null, TURNS, 500);
        assertNull(recorded.authorization());
        assertTrue(recorded.body().contains("(none)"), "a missing previous summary is stated as none");
    }

    @Test
    @DisplayName("a base URL with a path and a trailing slash is joined without a double slash")
    void joinsBaseUrlPath() {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/proxy/v1/");
        new LlmSummarizer(base, "tiny-model", null, TIMEOUT).summarize(null, TURNS, 500);
        assertEquals("/proxy/v1/chat/completions", recorded.path());
    }

    @Test
    @DisplayName("an answer longer than maxChars is truncated to fit")
    void truncatesToMaxChars() {
        responseBody = completion("Ada plans a trip to Lisbon in May with her sister and wants a cheap hotel.");
        String summary = summarizer(null).summarize(null, TURNS, 30);
        assertTrue(summary.length() <= 30, summary);
        assertTrue(summary.startsWith("Ada plans a trip"), summary);
    }

    @Test
    @DisplayName("a 500 answer fails with the status and the server's message")
    void serverErrorFails() {
        status = 500;
        responseBody = "{\"error\":\"model overloaded\"}";
        SummarizerException e = assertThrows(SummarizerException.class,
                () -> summarizer(null).summarize(null, TURNS, 500));
        assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
        assertTrue(e.getMessage().contains("model overloaded"), e.getMessage());
        assertTrue(e.getMessage().contains("llm:tiny-model"), e.getMessage());
        assertEquals(500, e.httpStatus());
    }

    @Test
    @DisplayName("a 200 answer that is not JSON fails as malformed, naming the status")
    void malformedJsonFails() {
        responseBody = "<html>gateway says hi</html>";
        SummarizerException e = assertThrows(SummarizerException.class,
                () -> summarizer(null).summarize(null, TURNS, 500));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 200"), e.getMessage());
        assertEquals(200, e.httpStatus());
    }

    @Test
    @DisplayName("JSON without choices[0].message.content fails as malformed")
    void missingContentFails() {
        responseBody = "{\"choices\":[]}";
        SummarizerException e = assertThrows(SummarizerException.class,
                () -> summarizer(null).summarize(null, TURNS, 500));
        assertTrue(e.getMessage().contains("choices[0].message.content"), e.getMessage());
    }

    @Test
    @DisplayName("a server slower than the timeout fails with a timeout")
    void timeoutFails() {
        stall = true;
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
        LlmSummarizer impatient = new LlmSummarizer(base, "tiny-model", null, Duration.ofMillis(200));
        SummarizerException e = assertThrows(SummarizerException.class,
                () -> impatient.summarize(null, TURNS, 500));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertEquals(SummarizerException.NO_STATUS, e.httpStatus());
    }

    @Test
    @DisplayName("an unreachable server fails with a summarizer exception, not an IOException")
    void unreachableFails() {
        int port = server.getAddress().getPort();
        server.stop(0);
        LlmSummarizer summarizer = new LlmSummarizer(URI.create("http://127.0.0.1:" + port + "/v1"), "m", null, TIMEOUT);
        SummarizerException e = assertThrows(SummarizerException.class, () -> summarizer.summarize(null, TURNS, 50));
        assertTrue(e.getMessage().contains("could not reach"), e.getMessage());
    }

    @Test
    @DisplayName("its id names the model, and bad arguments are refused up front")
    void idAndValidation() {
        URI base = URI.create("http://127.0.0.1:1");
        assertEquals("llm:tiny-model", new LlmSummarizer(base, "tiny-model", null, TIMEOUT).id());
        assertThrows(IllegalArgumentException.class, () -> new LlmSummarizer(base, " ", null, TIMEOUT));
        assertThrows(IllegalArgumentException.class, () -> new LlmSummarizer(base, "m", null, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> new LlmSummarizer(null, "m", null, TIMEOUT));
        assertThrows(IllegalArgumentException.class,
                () -> new LlmSummarizer(base, "m", null, TIMEOUT).summarize(null, TURNS, 0));
    }

    private LlmSummarizer summarizer(String apiKey) {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
        return new LlmSummarizer(base, "tiny-model", apiKey, TIMEOUT);
    }

    private static String completion(String content) {
        return JSON.createObjectNode().set("choices", JSON.createArrayNode().add(JSON.createObjectNode()
                .set("message", JSON.createObjectNode().put("role", "assistant").put("content", content))))
                .toString();
    }
}
