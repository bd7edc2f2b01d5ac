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
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LlmCommitmentExtractorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** A Tuesday afternoon. */
    private static final long REPLY_AT = Instant.parse("2024-03-05T14:00:00Z").toEpochMilli();
    private static final String REPLY = "Sure! I'll remind you tomorrow at 9am to call the dentist.";
    private static final String PROMISE = "I'll remind you tomorrow at 9am to call the dentist.";

    @RegisterExtension
    final StubHttpServer server = new StubHttpServer();

    @BeforeEach
    void answerWithNoPromises() {
        server.answer(200, completion("[]"));
    }

    @Test
    @DisplayName("a promise with a due time becomes a commitment due at that instant")
    void promiseWithDue() {
        server.answer(200, completion("[{\"text\": \"" + PROMISE + "\", \"due\": \"2024-03-06T09:00:00Z\"}]"));
        assertEquals(List.of(new ExtractedCommitment(PROMISE, at("2024-03-06T09:00:00Z"))),
                extractor("sk-test").extract(REPLY, REPLY_AT));
    }

    @Test
    @DisplayName("a promise with a null due has no due time, and several come back in the model's order")
    void promiseWithoutDue() {
        server.answer(200, completion("[{\"text\": \"I'll look into the pricing.\", \"due\": null},"
                + " {\"text\": \"I'll send you the report on Friday.\", \"due\": \"2024-03-08T09:00:00Z\"}]"));
        assertEquals(List.of(new ExtractedCommitment("I'll look into the pricing.", null),
                new ExtractedCommitment("I'll send you the report on Friday.", at("2024-03-08T09:00:00Z"))),
                extractor(null).extract("I'll look into the pricing. I'll send you the report on Friday.", REPLY_AT));
    }

    @Test
    @DisplayName("an empty array means no promises")
    void noPromises() {
        server.answer(200, completion("[]"));
        assertEquals(List.of(), extractor(null).extract("Kafka keeps records in order per partition.", REPLY_AT));
    }

    @Test
    @DisplayName("an array inside a ```json fenced block, with words around it, is read")
    void fencedJson() {
        server.answer(200, completion("Here are the promises:\n```json\n[{\"text\": \"" + PROMISE
                + "\", \"due\": \"2024-03-06T09:00:00Z\"}]\n```\nLet me know if you need more."));
        assertEquals(List.of(new ExtractedCommitment(PROMISE, at("2024-03-06T09:00:00Z"))),
                extractor(null).extract(REPLY, REPLY_AT));
    }

    @Test
    @DisplayName("entries without text are skipped, long text is capped, and a due that does not parse is null")
    void lenientEntries() {
        String longPromise = "I'll follow up " + "with every detail of the plan ".repeat(10) + "tomorrow.";
        server.answer(200, completion(JSON.createArrayNode()
                .add(JSON.createObjectNode().putNull("text").put("due", "2024-03-06T09:00:00Z"))
                .add(JSON.createObjectNode().put("text", "   ").putNull("due"))
                .add(JSON.createObjectNode().put("due", "2024-03-06T09:00:00Z"))
                .add("I'll be back")
                .add(JSON.createObjectNode().put("text", "  I\u2019ll check back in an hour.  ").put("due", "soon"))
                .add(JSON.createObjectNode().put("text", "I'll ping you at 6pm.").put("due", "2024-03-05T18:00:00+00:00"))
                .add(JSON.createObjectNode().put("text", "I'll email you tonight.").put("due", "2024-03-05T20:00:00"))
                .add(JSON.createObjectNode().put("text", longPromise).put("due", 42))
                .toString()));
        List<ExtractedCommitment> found = extractor(null).extract(REPLY, REPLY_AT);
        assertEquals(4, found.size(), found.toString());
        assertEquals(new ExtractedCommitment("I'll check back in an hour.", null), found.get(0));
        assertEquals(new ExtractedCommitment("I'll ping you at 6pm.", at("2024-03-05T18:00:00Z")), found.get(1));
        assertEquals(new ExtractedCommitment("I'll email you tonight.", at("2024-03-05T20:00:00Z")), found.get(2),
                "a date-time without an offset is read as UTC");
        assertTrue(found.get(3).text().length() <= CommitmentExtractor.MAX_TEXT_CHARS, found.get(3).text());
        assertTrue(found.get(3).text().startsWith("I'll follow up with every detail"), found.get(3).text());
        assertNull(found.get(3).dueAtMillis());
    }

    @Test
    @DisplayName("the request is a non-streaming, temperature-0 completion for the model, with the bearer key, "
            + "the reply and its timestamp")
    void request() throws IOException {
        extractor("sk-test").extract(REPLY, REPLY_AT);
        assertEquals("POST", server.lastMethod());
        assertEquals("/v1/chat/completions", server.lastPath());
        assertEquals("Bearer sk-test", server.lastAuthorization());
        assertEquals("application/json", server.lastContentType());
        JsonNode request = JSON.readTree(server.lastBody());
        assertEquals("tiny-model", request.get("model").asText());
        assertFalse(request.get("stream").asBoolean(true));
        assertTrue(request.get("temperature").isNumber(), server.lastBody());
        assertEquals(0.0, request.get("temperature").asDouble(-1));
        assertEquals("system", request.at("/messages/0/role").asText());
        assertEquals(LlmCommitmentExtractor.SYSTEM_PROMPT, request.at("/messages/0/content").asText());
        assertTrue(LlmCommitmentExtractor.SYSTEM_PROMPT.contains("ONLY a JSON array"));
        assertEquals("user", request.at("/messages/1/role").asText());
        String content = request.at("/messages/1/content").asText();
        assertTrue(content.contains("2024-03-05T14:00:00Z"), content);
        assertTrue(content.contains("TUESDAY"), content);
        assertTrue(content.contains(REPLY), content);
    }

    @Test
    @DisplayName("without an API key no Authorization header is sent")
    void noKeyNoHeader() {
        extractor(null).extract(REPLY, REPLY_AT);
        assertNull(server.lastAuthorization());
    }

    @Test
    @DisplayName("a blank reply has no promises and costs no request")
    void blankReplyNoRequest() {
        assertEquals(List.of(), extractor(null).extract("  \n", REPLY_AT));
        assertEquals(List.of(), extractor(null).extract(null, REPLY_AT));
        assertEquals(0, server.requests());
    }

    @Test
    @DisplayName("an answer that is not JSON fails, naming the status and quoting the answer")
    void garbageFails() {
        server.answer(200, completion("The assistant promised to remind the user about the dentist."));
        CommitmentExtractorException e = assertThrows(CommitmentExtractorException.class,
                () -> extractor(null).extract(REPLY, REPLY_AT));
        assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 200"), e.getMessage());
        assertTrue(e.getMessage().contains("promised to remind"), e.getMessage());
        assertTrue(e.getMessage().contains("llm:tiny-model"), e.getMessage());
        assertEquals(200, e.httpStatus());
    }

    @Test
    @DisplayName("JSON that is not an array fails")
    void notAnArrayFails() {
        server.answer(200, completion("{\"text\": \"" + PROMISE + "\", \"due\": null}"));
        CommitmentExtractorException e = assertThrows(CommitmentExtractorException.class,
                () -> extractor(null).extract(REPLY, REPLY_AT));
        assertTrue(e.getMessage().contains("not a JSON array"), e.getMessage());
    }

    @Test
    @DisplayName("a body without choices[0].message.content fails as malformed")
    void malformedBodyFails() {
        server.answer(200, "<html>gateway says hi</html>");
        CommitmentExtractorException e = assertThrows(CommitmentExtractorException.class,
                () -> extractor(null).extract(REPLY, REPLY_AT));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        assertEquals(200, e.httpStatus());
    }

    @Test
    @DisplayName("a 500 answer fails with the status and the server's message")
    void serverErrorFails() {
        server.answer(500, "{\"error\":\"model overloaded\"}");
        CommitmentExtractorException e = assertThrows(CommitmentExtractorException.class,
                () -> extractor(null).extract(REPLY, REPLY_AT));
        assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
        assertTrue(e.getMessage().contains("model overloaded"), e.getMessage());
        assertTrue(e.getMessage().startsWith("commitment extractor llm:tiny-model"), e.getMessage());
        assertEquals(500, e.httpStatus());
    }

    @Test
    @DisplayName("a server slower than the timeout fails with a timeout")
    void timeoutFails() {
        server.hang();
        LlmCommitmentExtractor impatient = new LlmCommitmentExtractor(base("/v1"), "tiny-model", null,
                Duration.ofMillis(200));
        CommitmentExtractorException e = assertThrows(CommitmentExtractorException.class,
                () -> impatient.extract(REPLY, REPLY_AT));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertEquals(CommitmentExtractorException.NO_STATUS, e.httpStatus());
    }

    @Test
    @DisplayName("an unreachable server fails with an extractor exception, not an IOException")
    void unreachableFails() {
        URI gone = base("/v1");
        server.stop();
        LlmCommitmentExtractor extractor = new LlmCommitmentExtractor(gone, "m", null, TIMEOUT);
        CommitmentExtractorException e = assertThrows(CommitmentExtractorException.class,
                () -> extractor.extract(REPLY, REPLY_AT));
        assertTrue(e.getMessage().contains("could not reach"), e.getMessage());
        assertEquals(CommitmentExtractorException.NO_STATUS, e.httpStatus());
    }

    @Test
    @DisplayName("its id names the model, and bad arguments are refused up front")
    void idAndValidation() {
        URI base = URI.create("http://127.0.0.1:1");
        assertEquals("llm:tiny-model", new LlmCommitmentExtractor(base, "tiny-model", null, TIMEOUT).id());
        assertThrows(IllegalArgumentException.class, () -> new LlmCommitmentExtractor(base, " ", null, TIMEOUT));
        assertThrows(IllegalArgumentException.class, () -> new LlmCommitmentExtractor(base, "m", null, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> new LlmCommitmentExtractor(null, "m", null, TIMEOUT));
    }

    private LlmCommitmentExtractor extractor(String apiKey) {
        return new LlmCommitmentExtractor(base("/v1"), "tiny-model", apiKey, TIMEOUT);
    }

    private URI base(String path) {
        return URI.create(server.baseUrl() + path);
    }

    private static Long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static String completion(String content) {
        return JSON.createObjectNode().set("choices", JSON.createArrayNode().add(JSON.createObjectNode()
                .set("message", JSON.createObjectNode().put("role", "assistant").put("content", content))))
                .toString();
    }
}
