package dev.parley.postprocess.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.postprocess.StubHttpServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RemoteEmbedderFailuresTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @RegisterExtension
    final StubHttpServer server = new StubHttpServer();

    /** A named way to build each remote embedder against a URL. */
    record Kind(String name, BiFunction<URI, Duration, Embedder> create) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Kind> kinds() {
        return Stream.of(new Kind("openai", (url, timeout) -> new OpenAiEmbedder(url, "m", "k", timeout)),
                new Kind("ollama", (url, timeout) -> new OllamaEmbedder(url, "m", null, timeout)));
    }

    static Stream<Arguments> statuses() {
        // 408 and 429 are the 4xx answers that mean "not now"; every 5xx may pass
        List<Integer> retriable = List.of(500, 502, 503, 504, 408, 429);
        List<Integer> permanent = List.of(400, 401, 403, 404, 413, 422, 301);
        return kinds().flatMap(kind -> Stream.concat(
                retriable.stream().map(status -> Arguments.of(kind, status, true)),
                permanent.stream().map(status -> Arguments.of(kind, status, false))));
    }

    @ParameterizedTest(name = "{0} answered {1}: retriable={2}")
    @MethodSource("statuses")
    @DisplayName("an error status is retriable for 5xx, 408 and 429 only, and the message names URL, status and body")
    void errorStatus(Kind kind, int status, boolean retriable) {
        server.answer(status, "{\"error\":\"reason " + status + "\"}");
        EmbeddingException e = failure(kind.create().apply(server.baseUrl(), TIMEOUT));
        assertEquals(retriable, e.retriable(), e.getMessage());
        assertTrue(e.getMessage().contains(server.baseUrl().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("answered " + status), e.getMessage());
        assertTrue(e.getMessage().contains("reason " + status), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    @DisplayName("a 200 answer with malformed JSON is not retriable")
    void malformedJson(Kind kind) {
        server.answer(200, "{\"data\": [ {\"embedding\": [0.1, 0.2");
        EmbeddingException e = failure(kind.create().apply(server.baseUrl(), TIMEOUT));
        assertFalse(e.retriable(), e.getMessage());
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    @DisplayName("a 200 answer with an empty body is not retriable")
    void emptyAnswer(Kind kind) {
        server.answer(200, "");
        EmbeddingException e = failure(kind.create().apply(server.baseUrl(), TIMEOUT));
        assertFalse(e.retriable(), e.getMessage());
        assertTrue(e.getMessage().contains("(empty body)"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    @DisplayName("a server that never answers times out quickly and retriably")
    void timeout(Kind kind) {
        server.hang();
        long start = System.nanoTime();
        EmbeddingException e = failure(kind.create().apply(server.baseUrl(), Duration.ofMillis(300)));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.retriable(), e.getMessage());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertTrue(elapsedMillis < 5_000, "gave up only after " + elapsedMillis + " ms");
        assertEquals(1, server.requests(), "the request reached the server");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    @DisplayName("a refused connection is retriable and names the URL")
    void refusedConnection(Kind kind) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI nobody = URI.create("http://127.0.0.1:" + closedPort);
        EmbeddingException e = failure(kind.create().apply(nobody, TIMEOUT));
        assertTrue(e.retriable(), e.getMessage());
        assertTrue(e.getMessage().contains(nobody.toString()), e.getMessage());
    }

    private static EmbeddingException failure(Embedder embedder) {
        return assertThrows(EmbeddingException.class, () -> embedder.embed("hello"));
    }
}
