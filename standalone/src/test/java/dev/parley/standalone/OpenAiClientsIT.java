package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.ingest.auth.KeysMain;
import dev.parley.standalone.client.ParleyHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parley's OpenAI-compatible API judged by clients nobody at Parley wrote: the official {@code openai} npm SDK and the
 * Vercel AI SDK ({@code ai} + {@code @ai-sdk/openai-compatible}), pinned by src/test/js/openai-clients/package-lock.json,
 * against the all-in-one Parley (real broker, worker and simulated backends), checked against the native API. The
 * gateway runs with API keys, which the clients send as they do OpenAI's, and with a principal whose turn rate is one a
 * minute, so that 401 and 429 are judged by the SDKs' error classes too.
 */
@DisplayName("the OpenAI SDK and the Vercel AI SDK against Parley's /v1/chat/completions and /v1/models")
class OpenAiClientsIT {

    private static final NodeScript CLIENTS = new NodeScript(Path.of("src/test/js/openai-clients"), "openai-clients.mjs");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** A prompt the simulators answer with eight words, a token each. */
    private static final String EIGHT_WORDS = "Count\n#sim: reply=\"One two three four five six seven eight.\"";

    @TempDir
    static Path dataDir;
    private static Standalone parley;
    private static ParleyHttp api;
    /** The key of the principal every client uses, and of one allowed a single turn a minute. */
    private static String key;
    private static String limitedKey;

    @BeforeAll
    static void start() throws Exception {
        CLIENTS.requireInstalled("openai");
        int simulatorPort = ParleyProcess.freePort();
        // the demo's two backends, with breakers that never open: the failure tests must not change other tests' route
        String simulator = "http://localhost:" + simulatorPort;
        Path catalogue = Files.writeString(dataDir.resolve("backends.yaml"), String.join("\n",
            "backends:",
            "  local: {kind: openai, url: " + simulator + "/local/v1, model: local-simulator,",
            "          breaker: {minimumCalls: 1000, windowCalls: 1000}}",
            "  cloud: {kind: anthropic, url: " + simulator + "/cloud, model: cloud-simulator,",
            "          breaker: {minimumCalls: 1000, windowCalls: 1000}}",
            "routes:",
            "  default: [local, cloud]",
            "  staged:",
            "    stages:",
            "      - {stage: quick, backends: [local]}",
            "      - {stage: deep, backends: [cloud]}",
            "      - {stage: synthesis, backends: [cloud]}",
            ""));
        Path limits = Files.writeString(dataDir.resolve("limits.yaml"), String.join("\n",
            "principals:",
            "  limited: {turnsPerMinute: 1}",
            ""));
        Map<String, String> env = StandaloneConfig.onFreePorts(dataDir);
        env.putAll(Map.of(StandaloneConfig.SIMULATOR_PORT, String.valueOf(simulatorPort),
            "PARLEY_EMBEDDINGS", "none", "PARLEY_BACKENDS_FILE", catalogue.toString(),
            "PARLEY_AUTH", "keys", "PARLEY_LIMITS_FILE", limits.toString()));
        parley = Standalone.start(StandaloneConfig.fromEnvironment(env));
        Map<String, Object> kafka = Map.of("bootstrap.servers", parley.bootstrapServers(),
            "schema.registry.url", parley.registryUrl());
        key = KeysMain.create(kafka, "sdk").key();
        limitedKey = KeysMain.create(kafka, "limited").key();
        api = new ParleyHttp(parley.url(), key);
        ParleyHttp limited = new ParleyHttp(parley.url(), limitedKey);
        for (ParleyHttp caller : List.of(api, limited)) { // a new key reaches the gateway through its topic
            await().atMost(Duration.ofSeconds(60))
                .until(() -> caller.send("GET", "/v1/models", null).statusCode() == 200);
        }
    }

    @AfterAll
    static void stop() {
        if (parley != null) {
            parley.close();
        }
    }

    @Test
    @DisplayName("models: every route and backend of the catalogue")
    void models() throws Exception {
        JsonNode models = node("models", Map.of());
        assertEquals(List.of("default", "staged", "local", "cloud"), texts(models.get("ids")),
            "the routes, then each backend");
        assertEquals(List.of("model"), texts(models.get("objects")));
    }

    @Test
    @DisplayName("non-streamed: the exact text, chatcmpl- id from the turn, finish_reason, usage, session headers; the "
        + "native turn has the same text")
    void wholeReply() throws Exception {
        JsonNode reply = node("complete", Map.of("model", "default",
            "messages", List.of(user("Hi\n#sim: reply=\"Hello from Parley.\""))));
        assertEquals("Hello from Parley.", reply.get("text").asText());
        assertEquals("assistant", reply.get("role").asText());
        assertEquals("chat.completion", reply.get("object").asText());
        assertEquals("default", reply.get("model").asText());
        assertEquals("stop", reply.get("finishReason").asText());
        assertEquals("chatcmpl-" + reply.get("turnId").asText(), reply.get("id").asText());
        JsonNode usage = reply.get("usage");
        assertTrue(usage.get("completion_tokens").asInt() > 0, usage.toString());
        assertEquals(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt(),
            usage.get("total_tokens").asInt());
        assertEquals("Hello from Parley.", nativeTurn(reply).get("text").asText(), "parity with the native API");
        assertEquals("completed", nativeTurn(reply).get("status").asText());
    }

    @Test
    @DisplayName("streamed: one id, the role in the first delta, the exact text, one finish_reason, no usage chunk "
        + "unless asked; with include_usage one last chunk without choices, total = prompt + completion")
    void streamedReply() throws Exception {
        String prompt = "Hi\n#sim: reply=\"One two three four.\" itl_ms=5";
        JsonNode plain = node("stream", Map.of("model", "local", "messages", List.of(user(prompt))));
        assertEquals("One two three four.", plain.get("text").asText());
        assertEquals(List.of("chatcmpl-" + plain.get("turnId").asText()), texts(plain.get("ids")));
        assertEquals(List.of("chat.completion.chunk"), texts(plain.get("objects")));
        assertEquals("assistant", plain.get("firstDelta").get("role").asText());
        assertEquals(List.of("stop"), texts(plain.get("finishReasons")));
        assertEquals(0, plain.get("usageChunks").size(), "no usage chunk without include_usage");
        assertEquals(List.of("local"), texts(plain.get("models")));
        assertEquals("One two three four.", nativeTurn(plain).get("text").asText(), "parity with the native API");

        JsonNode counted = node("stream", Map.of("model", "local", "messages", List.of(user(prompt)),
            "includeUsage", true));
        assertEquals("One two three four.", counted.get("text").asText());
        assertEquals(1, counted.get("usageChunks").size(), counted.toString());
        JsonNode usageChunk = counted.get("usageChunks").get(0);
        assertEquals(0, usageChunk.get("choices").asInt(), "the usage chunk has no choices");
        JsonNode usage = usageChunk.get("usage");
        assertEquals(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt(),
            usage.get("total_tokens").asInt());
        assertTrue(counted.get("lastHasUsage").asBoolean(), "the usage chunk is the last one");
    }

    @Test
    @DisplayName("max_tokens: exactly that many tokens of the reply, finish_reason length and completion_tokens, "
        + "streamed and not, through an OpenAI and an Anthropic backend; the native turn has the same text")
    void maxTokens() throws Exception {
        for (String model : List.of("local", "cloud")) {
            JsonNode whole = node("complete", Map.of("model", model, "messages", List.of(user(EIGHT_WORDS)),
                "settings", Map.of("max_tokens", 5)));
            assertEquals("One two three four five", whole.get("text").asText(), model);
            assertEquals("length", whole.get("finishReason").asText(), model);
            assertEquals(5, whole.get("usage").get("completion_tokens").asInt(), model);
            assertEquals("One two three four five", nativeTurn(whole).get("text").asText(), model);
            assertEquals("length", nativeTurn(whole).get("finishReason").asText(), model);
        }

        JsonNode streamed = node("stream", Map.of("model", "local", "messages", List.of(user(EIGHT_WORDS)),
            "includeUsage", true, "settings", Map.of("max_tokens", 5)));
        assertEquals("One two three four five", streamed.get("text").asText());
        assertEquals(List.of("length"), texts(streamed.get("finishReasons")));
        assertEquals(5, streamed.get("usageChunks").get(0).get("usage").get("completion_tokens").asInt());
        assertEquals("One two three four five", nativeTurn(streamed).get("text").asText());

        JsonNode newer = node("complete", Map.of("model", "local", "messages", List.of(user(EIGHT_WORDS)),
            "settings", Map.of("max_tokens", 7, "max_completion_tokens", 2)));
        assertEquals("One two", newer.get("text").asText(), "max_completion_tokens wins over max_tokens");
        assertEquals("length", newer.get("finishReason").asText());
    }

    @Test
    @DisplayName("stop: the reply ends before the first stop sequence with finish_reason stop, streamed and not; the "
        + "native turn has the same text")
    void stopSequences() throws Exception {
        JsonNode whole = node("complete", Map.of("model", "default", "messages", List.of(user(EIGHT_WORDS)),
            "settings", Map.of("stop", List.of("six", "five"))));
        assertEquals("One two three four ", whole.get("text").asText());
        assertEquals("stop", whole.get("finishReason").asText());
        assertEquals("One two three four ", nativeTurn(whole).get("text").asText());
        assertEquals("stop", nativeTurn(whole).get("finishReason").asText());

        JsonNode streamed = node("stream", Map.of("model", "cloud", "messages", List.of(user(EIGHT_WORDS)),
            "settings", Map.of("stop", "three", "temperature", 0.2, "top_p", 0.5)));
        assertEquals("One two ", streamed.get("text").asText());
        assertEquals(List.of("stop"), texts(streamed.get("finishReasons")));
        assertEquals("One two ", nativeTurn(streamed).get("text").asText());
    }

    @Test
    @DisplayName("a staged route: earlier stages stream as reasoning_content, the last stage is the content and the "
        + "native reply text")
    void stagedRoute() throws Exception {
        JsonNode staged = node("stream", Map.of("model", "staged", "messages", List.of(user(
            "x\n#sim: reply=\"quick words\" on=local\n#sim: reply=\"final words\" on=cloud"))));
        assertEquals("final words", staged.get("text").asText());
        assertEquals("quick wordsfinal words", staged.get("reasoning").asText(), "quick, then deep");
        assertEquals("final words", nativeTurn(staged).get("text").asText());
        assertEquals(List.of("stop"), texts(staged.get("finishReasons")));
    }

    @Test
    @DisplayName("on the wire: data lines of JSON chunks, the usage chunk only when asked, data: [DONE] last, the "
        + "session and turn headers")
    void wireFormat() throws Exception {
        for (boolean includeUsage : List.of(false, true)) {
            String body = "{\"model\":\"default\",\"stream\":true," + (includeUsage
                ? "\"stream_options\":{\"include_usage\":true}," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\\n#sim: reply=\\\"a b c\\\"\"}]}";
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(parley.url()
                    + "/v1/chat/completions")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            String turnId = response.headers().firstValue("X-Parley-Turn-Id").orElseThrow();
            assertTrue(response.headers().firstValue("X-Parley-Session-Id").isPresent());
            List<String> data = new ArrayList<>();
            for (String line : response.body().split("\n")) {
                if (line.startsWith("data: ")) {
                    data.add(line.substring("data: ".length()));
                } else {
                    assertTrue(line.isEmpty() || line.startsWith(":"), "only data lines and comments: " + line);
                }
            }
            assertEquals("[DONE]", data.get(data.size() - 1), "[DONE] last");
            List<JsonNode> chunks = new ArrayList<>();
            for (String line : data.subList(0, data.size() - 1)) {
                chunks.add(ParleyHttp.JSON.readTree(line));
            }
            JsonNode last = chunks.get(chunks.size() - 1);
            if (includeUsage) {
                assertEquals(0, last.get("choices").size());
                assertEquals(3, last.get("usage").get("completion_tokens").asInt(), last.toString());
                assertTrue(chunks.subList(0, chunks.size() - 1).stream().allMatch(c -> c.get("usage").isNull()),
                    "usage: null on every other chunk, as OpenAI sends it");
            } else {
                assertEquals("stop", last.get("choices").get(0).get("finish_reason").asText());
                assertTrue(chunks.stream().noneMatch(c -> c.has("usage")), "no usage field unless asked");
            }
            assertTrue(chunks.stream().allMatch(c -> c.get("id").asText().equals("chatcmpl-" + turnId)));
        }
    }

    @Test
    @DisplayName("X-Parley-Session-Id continues a session: the model sees the earlier exchange (#sim: echo)")
    void continuation() throws Exception {
        JsonNode first = node("complete", Map.of("model", "default",
            "messages", List.of(user("My name is Ada.\n#sim: reply=\"Hello Ada.\""))));
        String session = first.get("sessionId").asText();
        JsonNode second = node("complete", Map.of("model", "default", "sessionId", session,
            "messages", List.of(user("ignored: the session has the history"), user("What is my name?\n#sim: echo"))));
        assertEquals(session, second.get("sessionId").asText(), "the same session");
        List<String> seen = messages(ParleyHttp.JSON.readTree(second.get("text").asText()));
        // (before them, a system message may hold the session's memory: postprocess-streams notes the name)
        assertEquals(List.of("user:My name is Ada.\n#sim: reply=\"Hello Ada.\"", "assistant:Hello Ada.",
            "user:What is my name?\n#sim: echo"), seen.subList(seen.size() - 3, seen.size()), seen.toString());
    }

    @Test
    @DisplayName("without a session, the messages before the last one are the context: system and earlier messages "
        + "reach the model, and the ledger keeps them with the turn")
    void statelessContext() throws Exception {
        JsonNode reply = node("stream", Map.of("model", "default", "messages", List.of(
            Map.of("role", "system", "content", "Answer briefly."), user("I like Kafka."),
            Map.of("role", "assistant", "content", "So do I."), user("What do I like?\n#sim: echo"))));
        assertEquals(List.of("system:Answer briefly.", "user:I like Kafka.", "assistant:So do I.",
            "user:What do I like?\n#sim: echo"), messages(ParleyHttp.JSON.readTree(reply.get("text").asText())));

        // the ledger alone explains the reply: a later turn of that session sees the same context again
        JsonNode later = node("complete", Map.of("model", "default", "sessionId", reply.get("sessionId").asText(),
            "messages", List.of(user("And now?\n#sim: echo"))));
        List<String> seen = messages(ParleyHttp.JSON.readTree(later.get("text").asText()));
        assertEquals(List.of("system:Answer briefly.", "user:I like Kafka.", "assistant:So do I."), seen.subList(0, 3));
        assertEquals("user:And now?\n#sim: echo", seen.get(seen.size() - 1));
    }

    @Test
    @DisplayName("aborting mid-stream cancels the turn: native status cancelled with the partial text")
    void abortCancels() throws Exception {
        JsonNode aborted = node("abort", Map.of("model", "default", "afterChars", 10,
            "messages", List.of(user("Tell me a long story\n#sim: tokens=200 itl_ms=20"))));
        String received = aborted.get("received").asText();
        assertTrue(received.length() >= 10, received);
        JsonNode turn = waitForEnd(aborted);
        assertEquals("cancelled", turn.get("status").asText(), turn.toString());
        assertTrue(turn.get("text").asText().startsWith(received), "the partial text holds what the client got: "
            + turn.get("text") + " vs " + received);
        assertTrue(turn.get("text").asText().split(" ").length < 200, "the generation stopped early");
    }

    @Test
    @DisplayName("a turn cancelled mid-stream (the native cancel) ends the SDK's stream with an APIError "
        + "turn_cancelled, never a clean stop; the native turn is cancelled with the partial text")
    void cancelledTurnIsNoStop() throws Exception {
        JsonNode result = node("cancelMidStream", Map.of("model", "default", "afterChars", 10,
            "messages", List.of(user("Tell me a long story\n#sim: tokens=200 itl_ms=20"))));
        assertTrue(result.get("error").isObject(), "the stream ended without an error: " + result);
        assertError(result.get("error"), "APIError", -1, "turn_cancelled", null);
        JsonNode turn = waitForEnd(result);
        assertEquals("cancelled", turn.get("status").asText(), turn.toString());
        assertTrue(turn.get("text").asText().startsWith(result.get("received").asText()), "the partial text holds "
            + "what the client got: " + turn.get("text") + " vs " + result.get("received"));
    }

    @Test
    @DisplayName("each documented error with the SDK's matching error class; a failed turn is an error, never a stop")
    void errors() throws Exception {
        JsonNode unknownModel = fail(Map.of("model", "gpt-nope", "messages", List.of(user("x"))));
        assertError(unknownModel, "NotFoundError", 404, "model_not_found", "model");
        assertError(fail(Map.of("model", "default", "messages", List.of())), "BadRequestError", 400, null,
            "messages");
        assertError(fail(Map.of("model", "default", "messages", List.of(Map.of("role", "assistant",
            "content", "x")))), "BadRequestError", 400, null, "messages");
        assertError(fail(Map.of("model", "default", "messages", List.of(user("x")), "temperature", 7)),
            "BadRequestError", 400, null, "temperature");
        assertError(fail(Map.of("model", "default", "messages", List.of(user("x")), "n", 3)),
            "BadRequestError", 400, "unsupported_parameter", "n");
        assertError(fail(Map.of("model", "default", "messages", List.of(user("x".repeat(70_000))))),
            "APIError", 413, "request_too_large", "messages");
        JsonNode unknownSession = node("fail", Map.of("sessionId", "01a2328f-1004-7774-8f60-c3b3d6d0b8b8",
            "body", Map.of("model", "default", "messages", List.of(user("x")))));
        assertError(unknownSession, "NotFoundError", 404, "unknown_session", null);

        JsonNode failedStream = fail(Map.of("model", "local", "stream", true,
            "messages", List.of(user("x\n#sim: fail_after=3"))));
        assertError(failedStream, "APIError", -1, "turn_failed", null); // route local has no fallback
        JsonNode failedWhole = fail(Map.of("model", "local", "messages", List.of(user("x\n#sim: status=500"))));
        assertError(failedWhole, "InternalServerError", 502, "turn_failed", null);

        JsonNode aiFailure = node("aiFail", Map.of("model", "gpt-nope", "messages", List.of(user("x"))));
        assertEquals("AI_APICallError", aiFailure.get("className").asText(), aiFailure.toString());
        assertEquals(404, aiFailure.get("status").asInt());
    }

    @Test
    @DisplayName("a wrong API key is the SDK's AuthenticationError (401 invalid_api_key); a principal over its turn "
        + "rate gets RateLimitError (429 rate_limit_exceeded) with Retry-After, and no turn is written")
    void authenticationAndRateLimit() throws Exception {
        Map<String, Object> body = Map.of("model", "default", "messages", List.of(user("x\n#sim: tokens=2")));
        JsonNode wrongKey = node("fail", Map.of("apiKey", "not-a-parley-key", "body", body));
        assertError(wrongKey, "AuthenticationError", 401, "invalid_api_key", null);
        assertEquals("invalid_request_error", wrongKey.get("type").textValue(), wrongKey.toString());
        JsonNode aiWrongKey = node("aiFail", Map.of("apiKey", "not-a-parley-key", "model", "default",
            "messages", List.of(user("x"))));
        assertEquals(401, aiWrongKey.get("status").asInt(), aiWrongKey.toString());

        JsonNode first = node("complete", Map.of("apiKey", limitedKey, "model", "default",
            "messages", List.of(user("x\n#sim: tokens=2"))));
        assertEquals("completed", nativeTurn(first, limitedKey).get("status").asText(), "the first turn is admitted");
        JsonNode limited = node("fail", Map.of("apiKey", limitedKey, "body", body));
        assertError(limited, "RateLimitError", 429, "rate_limit_exceeded", null);
        assertEquals("requests", limited.get("type").textValue(), limited.toString());
        assertTrue(Integer.parseInt(limited.get("retryAfter").asText()) > 0, limited.toString());
        JsonNode limitedStream = node("fail", Map.of("apiKey", limitedKey, "body", Map.of("model", "default",
            "stream", true, "messages", List.of(user("x")))));
        assertError(limitedStream, "RateLimitError", 429, "rate_limit_exceeded", null);
    }

    @Test
    @DisplayName("a fallback after the first token (a reset): a regenerated reply that repeats what was sent streams "
        + "on seamlessly; one that differs ends the stream with reply_restarted, never a clean stop")
    void resetMidStream() throws Exception {
        JsonNode seamless = node("stream", Map.of("model", "default", "messages", List.of(user(
            "x\n#sim: reply=\"alpha beta gamma delta\" itl_ms=5\n#sim: fail_after=2 on=local"))));
        assertEquals("alpha beta gamma delta", seamless.get("text").asText());
        assertEquals(List.of("stop"), texts(seamless.get("finishReasons")));
        JsonNode recorded = nativeTurn(seamless);
        assertEquals("alpha beta gamma delta", recorded.get("text").asText());
        assertEquals("cloud", recorded.get("backend").asText(), "the fallback answered: " + recorded);

        JsonNode differs = fail(Map.of("model", "default", "stream", true, "messages", List.of(user(
            "x\n#sim: reply=\"alpha beta gamma\" on=local\n#sim: reply=\"other words here\" on=cloud\n"
                + "#sim: fail_after=2 on=local"))));
        assertError(differs, "APIError", -1, "reply_restarted", null);
    }

    @Test
    @DisplayName("the Vercel AI SDK: generateText and streamText give the exact text, finish reason and usage")
    void vercelAiSdk() throws Exception {
        List<Map<String, String>> messages = List.of(user("Hi\n#sim: reply=\"Vercel meets Parley.\""));
        JsonNode generated = node("aiGenerate", Map.of("model", "cloud", "messages", messages));
        assertEquals("Vercel meets Parley.", generated.get("text").asText());
        assertEquals("stop", generated.get("finishReason").asText());
        assertEquals(3, generated.get("usage").get("outputTokens").asInt(), generated.toString());

        JsonNode streamed = node("aiStream", Map.of("model", "default", "messages", messages));
        assertEquals("Vercel meets Parley.", streamed.get("text").asText());
        assertTrue(streamed.get("parts").asInt() > 1, "streamed in parts: " + streamed);
        assertEquals("stop", streamed.get("finishReason").asText());
        JsonNode usage = streamed.get("usage");
        assertEquals(usage.get("inputTokens").asInt() + usage.get("outputTokens").asInt(),
            usage.get("totalTokens").asInt());
    }

    @Test
    @DisplayName("20 concurrent streams each get their own reply, under their own id")
    void concurrentStreams() throws Exception {
        JsonNode results = node("concurrent", Map.of("model", "default", "count", 20)).get("results");
        assertEquals(20, results.size());
        Set<String> turns = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            JsonNode result = results.get(i);
            assertEquals("reply number " + i + " of 20", result.get("text").asText());
            assertEquals(List.of("chatcmpl-" + result.get("turnId").asText()), texts(result.get("ids")));
            turns.add(result.get("turnId").asText());
        }
        assertEquals(20, turns.size());
    }

    private static Map<String, String> user(String text) {
        return Map.of("role", "user", "content", text);
    }

    private static JsonNode fail(Map<String, Object> body) throws Exception {
        return node("fail", Map.of("body", body));
    }

    /** The SDK error's class, HTTP status (-1: none, an error inside a 200 stream), code and param. */
    private static void assertError(JsonNode error, String className, int status, String code, String param) {
        assertEquals(className, error.get("className").textValue(), error.toString());
        if (status >= 0) {
            assertEquals(status, error.get("status").asInt(), error.toString());
        }
        assertEquals(code, error.get("code").textValue(), error.toString());
        assertEquals(param, error.get("param").textValue(), error.toString());
        assertFalse(error.get("message").asText().isBlank());
    }

    private static List<String> messages(JsonNode echoed) {
        List<String> messages = new ArrayList<>();
        echoed.forEach(m -> messages.add(m.get("role").asText() + ":" + m.get("content").asText()));
        return messages;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /** The native status of the turn a client result names. */
    private static JsonNode nativeTurn(JsonNode result) throws Exception {
        return api.turnStatus(result.get("sessionId").asText(), result.get("turnId").asText(), 0);
    }

    /** The same, for a turn of the principal of {@code apiKey}. */
    private static JsonNode nativeTurn(JsonNode result, String apiKey) throws Exception {
        return new ParleyHttp(parley.url(), apiKey).turnStatus(result.get("sessionId").asText(),
            result.get("turnId").asText(), 30);
    }

    private static JsonNode waitForEnd(JsonNode result) throws Exception {
        return api.turnStatus(result.get("sessionId").asText(), result.get("turnId").asText(), 30);
    }

    /** Runs one command of openai-clients.mjs and returns the JSON line it printed; the API key is the sdk one's. */
    private static JsonNode node(String command, Map<String, Object> args) throws IOException, InterruptedException {
        ObjectNode all = ParleyHttp.JSON.valueToTree(args);
        all.put("baseUrl", parley.url());
        if (!all.has("apiKey")) {
            all.put("apiKey", key);
        }
        return CLIENTS.run(command, all);
    }
}
