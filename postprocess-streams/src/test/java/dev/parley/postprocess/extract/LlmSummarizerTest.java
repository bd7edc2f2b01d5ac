package dev.parley.postprocess.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.postprocess.StubHttpServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LlmSummarizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final List<SummaryTurn> TURNS = List.of(
            new SummaryTurn("t1", "I'm planning a trip to Lisbon in May.", "Lisbon in May is lovely."),
            new SummaryTurn("t2", "Is Alfama cheap?", null));

    @RegisterExtension
    final StubHttpServer server = new StubHttpServer();

    @BeforeEach
    void answerWithSummary() {
        server.answer(200, completion("Ada plans a May trip to Lisbon."));
    }

    @Test
    @DisplayName("a 200 answer's choices[0].message.content is the summary, trimmed")
    void returnsContent() {
        server.answer(200, completion("  Ada plans a May trip to Lisbon.  \n"));
        assertEquals("Ada plans a May trip to Lisbon.", summarizer("sk-test").summarize(null, TURNS, 500));
    }

    @Test
    @DisplayName("the request is a non-streaming chat completion for the model, with the bearer key")
    void sendsModelMessagesAndBearer() throws IOException {
        summarizer("sk-test").summarize("User: Ada is a nurse.", TURNS, 400);
        assertEquals("POST", server.lastMethod());
        assertEquals("/v1/chat/completions", server.lastPath());
        assertEquals("Bearer sk-test", server.lastAuthorization());
        assertEquals("application/json", server.lastContentType());
        JsonNode request = JSON.readTree(server.lastBody());
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
        assertNull(server.lastAuthorization());
        assertTrue(server.lastBody().contains("(none)"), "a missing previous summary is stated as none");
    }

    @Test
    @DisplayName("a base URL with a path and a trailing slash is joined without a double slash")
    void joinsBaseUrlPath() {
        URI base = URI.create(server.baseUrl() + "/proxy/v1/");
        new LlmSummarizer(base, "tiny-model", null, TIMEOUT).summarize(null, TURNS, 500);
        assertEquals("/proxy/v1/chat/completions", server.lastPath());
    }

    @Test
    @DisplayName("an answer longer than maxChars is truncated to fit")
    void truncatesToMaxChars() {
        server.answer(200, completion("Ada plans a trip to Lisbon in May with her sister and wants a cheap hotel."));
        String summary = summarizer(null).summarize(null, TURNS, 30);
        assertTrue(summary.length() <= 30, summary);
        assertTrue(summary.startsWith("Ada plans a trip"), summary);
    }

    @Test
    @DisplayName("a 500 answer fails with the status and the server's message")
    void serverErrorFails() {
        server.answer(500, "{\"error\":\"model overloaded\"}");
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
        server.answer(200, "<html>gateway says hi</html>");
        SummarizerException e = assertThrows(SummarizerException.class,
                () -> summarizer(null).summarize(null, TURNS, 500));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 200"), e.getMessage());
        assertEquals(200, e.httpStatus());
    }

    @Test
    @DisplayName("JSON without choices[0].message.content fails as malformed")
    void missingContentFails() {
        server.answer(200, "{\"choices\":[]}");
        SummarizerException e = assertThrows(SummarizerException.class,
                () -> summarizer(null).summarize(null, TURNS, 500));
        assertTrue(e.getMessage().contains("choices[0].message.content"), e.getMessage());
    }

    @Test
    @DisplayName("a server slower than the timeout fails with a timeout")
    void timeoutFails() {
        server.hang();
        URI base = URI.create(server.baseUrl() + "/v1");
        LlmSummarizer impatient = new LlmSummarizer(base, "tiny-model", null, Duration.ofMillis(200));
        SummarizerException e = assertThrows(SummarizerException.class,
                () -> impatient.summarize(null, TURNS, 500));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertEquals(SummarizerException.NO_STATUS, e.httpStatus());
    }

    @Test
    @DisplayName("an unreachable server fails with a summarizer exception, not an IOException")
    void unreachableFails() {
        URI gone = URI.create(server.baseUrl() + "/v1");
        server.stop();
        LlmSummarizer summarizer = new LlmSummarizer(gone, "m", null, TIMEOUT);
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
        URI base = URI.create(server.baseUrl() + "/v1");
        return new LlmSummarizer(base, "tiny-model", apiKey, TIMEOUT);
    }

    private static String completion(String content) {
        return JSON.createObjectNode().set("choices", JSON.createArrayNode().add(JSON.createObjectNode()
                .set("message", JSON.createObjectNode().put("role", "assistant").put("content", content))))
                .toString();
    }
}
