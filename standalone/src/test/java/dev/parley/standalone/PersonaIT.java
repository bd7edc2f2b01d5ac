package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.PersonaRef;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.UserTurn;
import dev.parley.ingest.auth.KeysMain;
import dev.parley.schemas.topics.Topics;
import dev.parley.standalone.client.ParleyHttp;
import dev.parley.standalone.client.PrometheusText;
import dev.parley.standalone.client.TopicReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Personas end to end: stored through the gateway, first in every request of the sessions naming them, cached. */
@DisplayName("A persona is stored once and begins every request of the sessions naming it, byte for byte, cached")
class PersonaIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PERSONA = "You are Captain Parley, a pirate.\nAnswer in the voice of a pirate; "
        + "keep every answer short.  Trailing spaces and \"quotes\" stay exactly as stored. ";

    @Test
    @DisplayName("two principals' sessions name one persona: each request starts with its exact text, later calls "
        + "read it from the cache, the ledger records the version; another principal cannot overwrite it")
    void personaPrefixIsSharedAndCached(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = StandaloneConfig.onFreePorts(dataDir);
        env.put("PARLEY_EMBEDDINGS", "none");
        env.put("PARLEY_AUTH", "keys");
        env.put("PARLEY_SYSTEM_PROMPT", "Be helpful.");
        try (Standalone parley = Standalone.start(StandaloneConfig.fromEnvironment(env))) {
            Map<String, Object> kafka = Map.of("bootstrap.servers", parley.bootstrapServers(),
                "schema.registry.url", parley.registryUrl());
            ParleyHttp ada = new ParleyHttp(parley.url(), KeysMain.create(kafka, "ada").key());
            String graceKey = KeysMain.create(kafka, "grace").key();
            ParleyHttp grace = new ParleyHttp(parley.url(), graceKey);
            for (ParleyHttp caller : List.of(ada, grace)) {
                await().atMost(WAIT).until(() -> caller.send("GET", "/v1/personas/none", null).statusCode() == 404);
            }

            String body = ParleyHttp.JSON.writeValueAsString(Map.of("text", PERSONA));
            JsonNode stored = ParleyHttp.expect(201, ada.send("PUT", "/v1/personas/captain", body));
            assertEquals(Map.of("name", "captain", "version", sha256(PERSONA).substring(0, 12)),
                Map.of("name", stored.get("name").asText(), "version", stored.get("version").asText()));
            String version = stored.get("version").asText();
            assertEquals(version, ParleyHttp.expect(200, ada.send("PUT", "/v1/personas/captain", body))
                .get("version").asText());
            assertError(403, "persona_owned", grace.send("PUT", "/v1/personas/captain", body));
            JsonNode read = ParleyHttp.expect(200, grace.send("GET", "/v1/personas/captain", null));
            assertEquals(PERSONA, read.get("text").asText());
            assertEquals(version, read.get("version").asText());
            assertError(404, "persona_not_found", ada.send("GET", "/v1/personas/nobody", null));
            assertError(404, "persona_not_found", ada.send("POST", "/v1/sessions", "{\"persona\":\"nobody\"}"));
            assertError(400, "bad_persona_name", ada.send("PUT", "/v1/personas/Bad%20Name", body));
            String huge = ParleyHttp.JSON.writeValueAsString(Map.of("text", "a".repeat(40_000)));
            assertError(413, "persona_too_large", ada.send("PUT", "/v1/personas/big", huge));

            String adaSession = sessionWith(ada, "captain");
            String graceSession = sessionWith(grace, "captain");
            // default route: the OpenAI-protocol simulator; deep: the Anthropic one (cache_control on the block)
            List<String> adaTurns = List.of(echo(ada, adaSession, null), echo(ada, adaSession, "deep"));
            List<String> graceTurns = List.of(echo(grace, graceSession, null), echo(grace, graceSession, "deep"));
            String openAiTurn = openAiEcho(grace, graceKey, graceSession);

            List<LedgerEvent> ledger = TopicReader.readAll(parley.bootstrapServers(), parley.registryUrl(),
                Topics.LEDGER, "read_committed").stream().map(TopicReader.Logged::value).toList();
            assertEquals("captain", payload(ledger, adaSession, "", SessionCreated.class).getPersona());
            for (String turn : adaTurns) {
                assertEquals("captain", payload(ledger, adaSession, turn, UserTurn.class).getPersona());
            }
            assertEquals("captain", payload(ledger, graceSession, openAiTurn, UserTurn.class).getPersona());
            for (String turn : List.of(adaTurns.get(0), adaTurns.get(1), graceTurns.get(0), graceTurns.get(1))) {
                String session = adaTurns.contains(turn) ? adaSession : graceSession;
                assertEquals(new PersonaRef("captain", version),
                    payload(ledger, session, turn, AssistantReply.class).getPersona());
            }
            // grace's calls came after ada's with the same persona on the same backends: both read it from the cache
            for (String turn : graceTurns) {
                AssistantReply reply = payload(ledger, graceSession, turn, AssistantReply.class);
                assertTrue(reply.getUsage().getCachedPromptTokens() > 0, "no cached prompt tokens: " + reply);
                assertTrue(reply.getUsage().getCachedPromptTokens() < reply.getUsage().getPromptTokens(),
                    "the persona is only part of the prompt: " + reply.getUsage());
            }

            // a new text is a new version (200: the name was stored), what every gateway answers from then on
            JsonNode changed = ParleyHttp.expect(200, ada.send("PUT", "/v1/personas/captain",
                ParleyHttp.JSON.writeValueAsString(Map.of("text", PERSONA + "Arr."))));
            assertEquals(sha256(PERSONA + "Arr.").substring(0, 12), changed.get("version").asText());
            assertEquals(changed.get("version").asText(), ParleyHttp.expect(200,
                grace.send("GET", "/v1/personas/captain", null)).get("version").asText());

            // counted once each terminal event is committed, just after the reply became visible
            PrometheusText metrics = await().atMost(WAIT).until(
                () -> new PrometheusText(scrape(ada, parley.metricsUrls().get("worker"))),
                m -> m.sum("parley_persona_calls_total", "cache=\"hit\"") >= 2);
            assertTrue(metrics.sum("parley_persona_cached_prompt_tokens_total", "persona=\"captain\"") > 0,
                metrics.text());
        }
    }

    /** Creates a session naming {@code persona}. */
    private static String sessionWith(ParleyHttp caller, String persona) throws Exception {
        return ParleyHttp.expect(201, caller.send("POST", "/v1/sessions",
            ParleyHttp.JSON.writeValueAsString(Map.of("persona", persona)))).get("sessionId").asText();
    }

    /** Sends an echo turn, waits for its reply and checks that the request began with the persona, exactly. */
    private static String echo(ParleyHttp caller, String session, String route) throws Exception {
        String text = "Ahoy?\n#sim: echo";
        String turn = route == null ? caller.postTurn(session, text) : caller.postTurn(session, text, route);
        JsonNode status = await().atMost(WAIT).until(() -> caller.turnStatus(session, turn, 30),
            s -> s.get("status").asText().equals("completed"));
        JsonNode messages = ParleyHttp.JSON.readTree(status.get("text").asText());
        assertEquals("system", messages.get(0).get("role").asText(), messages.toString());
        assertEquals(PERSONA, messages.get(0).get("content").asText());
        assertEquals("Be helpful.", messages.get(1).get("content").asText(), messages.toString());
        return turn;
    }

    /** An OpenAI-compatible request continuing the session (X-Parley-Session-Id): its turn has the persona too. */
    private static String openAiEcho(ParleyHttp caller, String key, String session) throws Exception {
        String body = ParleyHttp.JSON.writeValueAsString(Map.of("model", "default",
            "messages", List.of(Map.of("role", "user", "content", "Ahoy again?\n#sim: echo"))));
        HttpResponse<String> response = caller.http.send(HttpRequest.newBuilder(
                URI.create(caller.base + "/v1/chat/completions"))
            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
            .header("X-Parley-Session-Id", session).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        JsonNode completion = ParleyHttp.expect(200, response);
        JsonNode messages = ParleyHttp.JSON.readTree(
            completion.get("choices").get(0).get("message").get("content").asText());
        assertEquals(PERSONA, messages.get(0).get("content").asText());
        assertTrue(completion.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt() > 0,
            "the persona's prefix was cached by then: " + completion.get("usage"));
        return response.headers().firstValue("X-Parley-Turn-Id").orElseThrow();
    }

    private static <T> T payload(List<LedgerEvent> ledger, String session, String turn, Class<T> type) {
        return ledger.stream().filter(e -> e.getSessionId().equals(session) && e.getTurnId().equals(turn))
            .map(LedgerEvent::getPayload).filter(type::isInstance).map(type::cast).findFirst()
            .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " of " + session + "/" + turn));
    }

    private static void assertError(int status, String code, HttpResponse<String> response) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, ParleyHttp.JSON.readTree(response.body()).get("error").get("code").asText());
    }

    private static String scrape(ParleyHttp caller, String url) throws Exception {
        return caller.http.send(HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
