package dev.parley.ingest.limits;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.UserTurn;
import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.FakeWorker;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.LedgerProbe;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.ingest.support.SseClient;
import dev.parley.ingest.support.WsClient;
import dev.parley.schemas.ids.UuidV7;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits of the anonymous principal (authentication off) against the real broker and HTTP: each test starts a gateway
 * with one limit set low and the others at their defaults. Two principals are told apart in {@link LimitsTest}.
 */
@DisplayName("Limits per principal: 429 with Retry-After, recovery, and nothing written when refused")
@ExtendWith(SharedKafka.Extension.class)
class LimitsIT {

    private static LedgerProbe ledger;
    private static FakeWorker worker;
    private Gateway gateway;

    @BeforeAll
    static void probe() {
        ledger = new LedgerProbe(SharedKafka.get().clientConfig());
        worker = new FakeWorker(SharedKafka.get().clientConfig());
    }

    @AfterAll
    static void closeProbe() {
        worker.close();
        ledger.close();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private Api start(Map<String, String> env) {
        gateway = Gateway.start(SharedKafka.get().ingestConfig(env));
        return gateway.api();
    }

    @Test
    @DisplayName("a burst over the requests per second gets 429 rate_limited with Retry-After: 1, and the next second is served")
    void requestBurst() {
        Api api = start(Map.of(LimitsConfig.REQUESTS_PER_SECOND, "5"));
        String unknown = "/v1/sessions/not-a-session/turns/not-a-turn";
        List<Api.Response> burst = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            burst.add(api.get(unknown));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(404, burst.get(i).status(), "within the burst: " + burst.get(i).body());
        }
        Api.Response refused = burst.stream().filter(r -> r.status() == 429).findFirst().orElseThrow();
        assertEquals("rate_limited", refused.errorCode());
        assertEquals("1", refused.header("Retry-After"));
        await().atMost(Duration.ofSeconds(3)).until(() -> api.get(unknown).status() == 404);
    }

    @Test
    @DisplayName("a turn over the turns per minute gets 429 with Retry-After in whole seconds and writes nothing")
    void turnsPerMinute() {
        Api api = start(Map.of(LimitsConfig.TURNS_PER_MINUTE, "2"));
        String session = api.createSession();
        api.submitTurn(session, "one");
        api.submitTurn(session, "two");
        Map<TopicPartition, Long> mark = ledger.mark();
        Api.Response refused = postTurn(api, session, "three");
        assertEquals(429, refused.status(), refused.body());
        assertEquals("rate_limited", refused.errorCode());
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 30, "a token comes back every 30 s: " + retryAfter);
        assertNothingAppended(mark);
    }

    @Test
    @DisplayName("a turn over the generations in flight gets 429 too_many_generations until the running one ends")
    void generations() {
        Api api = start(Map.of(LimitsConfig.GENERATIONS, "1"));
        String session = api.createSession();
        String first = api.submitTurn(session, "first");
        Map<TopicPartition, Long> mark = ledger.mark();
        Api.Response refused = postTurn(api, session, "second");
        assertEquals(429, refused.status(), refused.body());
        assertEquals("too_many_generations", refused.errorCode());
        assertEquals("1", refused.header("Retry-After"));
        WsClient socket = WsClient.connect(api.http(), URI.create("ws://localhost:" + api.port() + "/v1/sessions/"
                + session + "/ws"));
        socket.send(new JsonObject().put("type", "turn").put("text", "over a WebSocket"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !socket.frames("error").isEmpty());
        assertEquals("too_many_generations", socket.frames("error").get(0).getString("code"));
        socket.close();
        assertNothingAppended(mark);

        worker.reply(session, first, 1, "done");
        await().atMost(Duration.ofSeconds(20)).until(() -> postTurn(api, session, "second").status() == 202);
    }

    @Test
    @DisplayName("a batch counts one generation per agent: refused whole with 429 and nothing written, "
            + "its generations given back when it is refused for a session, held until its turns end when accepted")
    void batches() {
        Api api = start(Map.of(LimitsConfig.GENERATIONS, "3"));
        String first = api.createSession();
        String second = api.createSession();
        String third = api.createSession();
        Map<TopicPartition, Long> mark = ledger.mark();
        Api.Response unknown = postBatch(api, first, UuidV7.next().toString());
        assertEquals(404, unknown.status(), unknown.body());
        Api.Response accepted = postBatch(api, first, second);
        assertEquals(202, accepted.status(), "the 404 gave its generations back: " + accepted.body());

        Map<TopicPartition, Long> afterAccepted = ledger.mark();
        Api.Response busy = postBatch(api, third, UuidV7.next().toString());
        assertEquals(429, busy.status(), busy.body());
        assertEquals("too_many_generations", busy.errorCode());
        assertEquals("1", busy.header("Retry-After"));
        Api.Response never = postBatch(api, first, second, third, UuidV7.next().toString());
        assertEquals(429, never.status(), never.body());
        assertNull(never.header("Retry-After"), "4 agents never fit 3 generations");
        assertNothingAppended(afterAccepted);

        JsonObject turn = accepted.json().getJsonArray("turns").getJsonObject(0);
        worker.reply(turn.getString("sessionId"), turn.getString("turnId"), 1, "done");
        await().atMost(Duration.ofSeconds(20)).until(() -> postBatch(api, third, first).status() == 202);
        assertEquals(4, ledger.readToEnd(mark).stream().filter(event -> event.getPayload() instanceof UserTurn)
                .count(), "the turns of the two accepted batches, and none of the refused ones");
    }

    @Test
    @DisplayName("a stream over the open streams gets 429 too_many_streams, over SSE and WebSocket, until one closes")
    void streams() {
        Api api = start(Map.of(LimitsConfig.STREAMS, "1"));
        String session = api.createSession();
        URI events = api.uri("/v1/sessions/" + session + "/events");
        SseClient open = SseClient.open(api.http(), events, Map.of());
        assertEquals(200, open.status());
        SseClient refused = SseClient.open(api.http(), events, Map.of());
        assertEquals(429, refused.status());
        assertEquals("too_many_streams", refused.error().getString("code"));
        assertThrows(IllegalStateException.class, () -> WsClient.connect(api.http(),
                URI.create("ws://localhost:" + api.port() + "/v1/sessions/" + session + "/ws")));
        open.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (SseClient again = SseClient.open(api.http(), events, Map.of())) {
                return again.status() == 200;
            }
        });
    }

    @Test
    @DisplayName("the limits file gives the anonymous principal its own session limit; the next session gets 429 and writes nothing")
    void sessionsFromTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("limits.yaml"), "principals:\n  anonymous: {sessions: 2}\n");
        Api api = start(Map.of(LimitsConfig.FILE, file.toString()));
        api.createSession();
        api.createSession();
        Map<TopicPartition, Long> mark = ledger.mark();
        Api.Response refused = api.post("/v1/sessions", null);
        assertEquals(429, refused.status(), refused.body());
        assertEquals("too_many_sessions", refused.errorCode());
        assertNull(refused.header("Retry-After"), "waiting does not give a session back");
        assertNothingAppended(mark);
    }

    @Test
    @DisplayName("/v1/chat/completions over a limit gets OpenAI's 429 (type requests, code rate_limit_exceeded) and creates no session")
    void openAiShape() {
        Api api = start(Map.of(LimitsConfig.TURNS_PER_MINUTE, "1"));
        String body = new JsonObject().put("model", "parley-simulator").put("stream", true)
                .put("messages", List.of(Map.of("role", "user", "content", "hi"))).encode();
        Map<TopicPartition, Long> before = ledger.mark();
        CompletableFuture<Api.Response> first = api.postAsync("/v1/chat/completions", body);
        // the first took the minute's one turn once its UserTurn is in the ledger
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.readToEnd(new HashMap<>(before)).stream()
                .anyMatch(event -> event.getPayload() instanceof UserTurn));
        Map<TopicPartition, Long> mark = ledger.mark();
        Api.Response refused = api.post("/v1/chat/completions", body);
        assertEquals(429, refused.status(), refused.body());
        JsonObject error = refused.json().getJsonObject("error");
        assertEquals("requests", error.getString("type"));
        assertEquals("rate_limit_exceeded", error.getString("code"));
        assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1);
        assertNothingAppended(mark);
        first.cancel(true);
    }

    private static Api.Response postTurn(Api api, String session, String text) {
        return api.post("/v1/sessions/" + session + "/turns", new JsonObject().put("text", text).encode());
    }

    /** A batch of one agent per session, in order. */
    private static Api.Response postBatch(Api api, String... sessions) {
        JsonArray agents = new JsonArray();
        for (String session : sessions) {
            agents.add(new JsonObject().put("sessionId", session).put("text", "hi"));
        }
        return api.post("/v1/batches/turns", new JsonObject().put("agents", agents).encode());
    }

    private static void assertNothingAppended(Map<TopicPartition, Long> mark) {
        List<LedgerEvent> appended = ledger.appendedWithin(new HashMap<>(mark), Duration.ofSeconds(1));
        assertEquals(List.of(), appended, "a refused request writes nothing");
    }
}
