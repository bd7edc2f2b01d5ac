package dev.parley.postprocess.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RemoteEmbedderFailuresTest {

    private StubEmbeddingServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new StubEmbeddingServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    static Stream<Arguments> embedders() {
        BiFunction<URI, Duration, Embedder> openAi = (url, timeout) -> new OpenAiEmbedder(url, "m", "k", timeout);
        BiFunction<URI, Duration, Embedder> ollama = (url, timeout) -> new OllamaEmbedder(url, "m", null, timeout);
        return Stream.of(Arguments.of("openai", openAi), Arguments.of("ollama", ollama));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embedders")
    @DisplayName("a 500 answer is retriable and the message names URL, status and body")
    void serverErrorIsRetriable(String kind, BiFunction<URI, Duration, Embedder> create) {
        server.answer(500, "{\"error\":\"out of memory\"}");
        EmbeddingException e = failure(create.apply(server.baseUrl(), Duration.ofSeconds(5)));
        assertTrue(e.retriable(), e.getMessage());
        assertTrue(e.getMessage().contains("answered 500"), e.getMessage());
        assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
        assertTrue(e.getMessage().contains(server.baseUrl().toString()), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embedders")
    @DisplayName("a 429 answer is retriable: rate limits pass")
    void rateLimitIsRetriable(String kind, BiFunction<URI, Duration, Embedder> create) {
        server.answer(429, "{\"error\":\"slow down\"}");
        assertTrue(failure(create.apply(server.baseUrl(), Duration.ofSeconds(5))).retriable());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embedders")
    @DisplayName("a 400 answer is not retriable and quotes the server's reason")
    void clientErrorIsNotRetriable(String kind, BiFunction<URI, Duration, Embedder> create) {
        server.answer(400, "{\"error\":\"input too long\"}");
        EmbeddingException e = failure(create.apply(server.baseUrl(), Duration.ofSeconds(5)));
        assertFalse(e.retriable(), e.getMessage());
        assertTrue(e.getMessage().contains("answered 400"), e.getMessage());
        assertTrue(e.getMessage().contains("input too long"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embedders")
    @DisplayName("a 200 answer with malformed JSON is not retriable")
    void malformedJsonIsNotRetriable(String kind, BiFunction<URI, Duration, Embedder> create) {
        server.answer(200, "{\"data\": [ {\"embedding\": [0.1, 0.2");
        EmbeddingException e = failure(create.apply(server.baseUrl(), Duration.ofSeconds(5)));
        assertFalse(e.retriable(), e.getMessage());
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embedders")
    @DisplayName("a 200 answer with an empty body is not retriable")
    void emptyAnswerIsNotRetriable(String kind, BiFunction<URI, Duration, Embedder> create) {
        server.answer(200, "");
        EmbeddingException e = failure(create.apply(server.baseUrl(), Duration.ofSeconds(5)));
        assertFalse(e.retriable(), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embedders")
    @DisplayName("a server that never answers times out quickly and retriably")
    void timeoutIsRetriable(String kind, BiFunction<URI, Duration, Embedder> create) {
        server.hang();
        long start = System.nanoTime();
        EmbeddingException e = failure(create.apply(server.baseUrl(), Duration.ofMillis(300)));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.retriable(), e.getMessage());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertTrue(elapsedMillis < 5_000, "gave up only after " + elapsedMillis + " ms");
        assertEquals(1, server.requests(), "the request reached the server");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embedders")
    @DisplayName("a refused connection is retriable and names the URL")
    void refusedConnectionIsRetriable(String kind, BiFunction<URI, Duration, Embedder> create) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI nobody = URI.create("http://127.0.0.1:" + closedPort);
        EmbeddingException e = failure(create.apply(nobody, Duration.ofSeconds(5)));
        assertTrue(e.retriable(), e.getMessage());
        assertTrue(e.getMessage().contains(nobody.toString()), e.getMessage());
    }

    private static EmbeddingException failure(Embedder embedder) {
        return assertThrows(EmbeddingException.class, () -> embedder.embed("hello"));
    }
}
