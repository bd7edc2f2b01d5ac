package dev.parley.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.kafka.TopicLayout;
import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.FakePostprocess;
import dev.parley.ingest.support.FakePostprocess.Answer;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The session view and search are proxied to postprocess after the gateway's own session check")
@ExtendWith(SharedKafka.Extension.class)
class SessionViewIT {

    private static final int TIMEOUT_MS = 1_500;

    private static FakePostprocess postprocess;
    private static Gateway gateway;
    /** A gateway whose PARLEY_POSTPROCESS_URL points at a port nothing listens on. */
    private static Gateway unreachable;
    private static int closedPort;
    private static String session;

    @BeforeAll
    static void start() {
        SharedKafka kafka = SharedKafka.get();
        postprocess = FakePostprocess.start();
        gateway = Gateway.start(kafka.ingestConfig(Map.of(IngestConfig.POSTPROCESS_URL, postprocess.url(),
                IngestConfig.POSTPROCESS_TIMEOUT_MS, "" + TIMEOUT_MS)));
        closedPort = FakePostprocess.closedPort();
        unreachable = Gateway.start(kafka.ingestConfig(Map.of(IngestConfig.POSTPROCESS_URL,
                "http://localhost:" + closedPort)));
        session = gateway.api().createSession();
    }

    @AfterAll
    static void stop() {
        unreachable.close();
        gateway.close();
        postprocess.close();
    }

    @Test
    @DisplayName("postprocess' 200 snapshot is passed through byte for byte as application/json")
    void passesTheSnapshotThrough() {
        String sessionId = gateway.api().createSession();
        String snapshot = "{\"sessionId\": \"" + sessionId + "\", \"turnCount\": 2, \"ledgerPartition\": 3, "
                + "\"ledgerOffset\": 41, \"summary\": null, \"facts\": {\"name\": \"Ada — ✓\"}, "
                + "\"openCommitments\": [{\"commitmentId\": \"c1\", \"turnId\": \"t1\", \"text\": \"send the report\", "
                + "\"dueAt\": \"2030-01-02T09:00:00Z\", \"createdAt\": \"2029-12-31T10:00:00Z\"}], "
                + "\"recentTurns\": [{\"turnId\": \"t1\", \"userText\": \"hi\", \"assistantText\": \"hello\", "
                + "\"status\": \"completed\"}], \"usage\": {\"promptTokens\": 37, \"completionTokens\": 9, "
                + "\"costUsd\": 0.012, \"estimated\": true}, \"updatedAt\": \"2029-12-31T10:00:01Z\"}";
        postprocess.answer(sessionId, Answer.json(200, snapshot));

        Api.Response view = gateway.api().get("/v1/sessions/" + sessionId);

        assertEquals(200, view.status(), view.body());
        assertEquals("application/json", view.header("Content-Type"));
        assertEquals(snapshot, view.body());
        assertEquals(List.of("/sessions/" + sessionId), paths(sessionId));
    }

    @Test
    @DisplayName("a session postprocess has no snapshot of yet is an empty view marked pending, not a 404")
    void pendingWhilePostprocessHasNoSnapshot() {
        String sessionId = gateway.api().createSession(); // postprocess answers 404 session_not_found by default

        Api.Response view = gateway.api().get("/v1/sessions/" + sessionId);

        assertEquals(200, view.status(), view.body());
        assertEquals(new JsonObject().put("sessionId", sessionId)
                .put("ledgerPartition", TopicLayout.partitionFor(sessionId, Topics.DEFAULT_PARTITIONS))
                .put("turnCount", 0).put("ledgerOffset", -1).putNull("summary").put("facts", new JsonObject())
                .put("openCommitments", new JsonArray()).put("recentTurns", new JsonArray())
                .putNull("usage").put("snapshot", "pending"), view.json());
        assertEquals(List.of("/sessions/" + sessionId), paths(sessionId));
    }

    @ParameterizedTest(name = "GET /v1/sessions/<sid>{0}")
    @ValueSource(strings = {"", "/search?q=hello"})
    @DisplayName("an unknown or malformed session gets 404 unknown_session and postprocess is never asked:")
    void unknownSessionNeverReachesPostprocess(String suffix) {
        for (String sessionId : new String[] {UuidV7.next().toString(), "not-a-session"}) {
            Api.Response response = gateway.api().get("/v1/sessions/" + sessionId + suffix);

            assertEquals(404, response.status(), response.body());
            assertEquals("unknown_session", response.errorCode());
            assertEquals(List.of(), postprocess.requestsFor(sessionId));
        }
    }

    static Stream<Arguments> badSearches() {
        return Stream.of(
                Arguments.of("no q", "?k=5", "missing_query"),
                Arguments.of("no parameters at all", "", "missing_query"),
                Arguments.of("an empty q", "?q=", "missing_query"),
                Arguments.of("a blank q", "?q=%20%09+", "missing_query"),
                Arguments.of("a q of 1001 characters", "?q=" + "a".repeat(1_001), "query_too_long"),
                Arguments.of("a q of 1001 emoji", "?q=" + encode("😀".repeat(1_001)), "query_too_long"),
                Arguments.of("k=0", "?q=x&k=0", "bad_k"),
                Arguments.of("k=51", "?q=x&k=51", "bad_k"),
                Arguments.of("k=-1", "?q=x&k=-1", "bad_k"),
                Arguments.of("k=2.5", "?q=x&k=2.5", "bad_k"),
                Arguments.of("k=five", "?q=x&k=five", "bad_k"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSearches")
    @DisplayName("a bad search gets 400 with its code and postprocess is never asked:")
    void badSearchIsRefused(String name, String query, String code) {
        Api.Response response = gateway.api().get("/v1/sessions/" + session + "/search" + query);

        assertEquals(400, response.status(), response.body());
        assertEquals(code, response.errorCode(), response.body());
        assertEquals(List.of(), postprocess.requestsFor(session));
    }

    @Test
    @DisplayName("q reaches postprocess intact (spaces, &, +, %, #, unicode) with k; its 200 is passed through")
    void searchQueryArrivesIntact() {
        String sessionId = gateway.api().createSession();
        String q = "fish & chips + tea = 100% ? #1 / café ☕ 😀 naïve";
        String results = "{\"sessionId\": \"" + sessionId + "\", \"query\": " + Json.encode(q)
                + ", \"model\": \"all-minilm-l6-v2\", \"results\": [{\"turnId\": \"t1\", "
                + "\"role\": \"user\", \"text\": \"fish and chips\", \"score\": 0.83, \"eventId\": \"e1\", "
                + "\"timestamp\": \"2029-12-31T10:00:00Z\"}]}";
        postprocess.answer(sessionId, Answer.json(200, results));

        Api.Response response = gateway.api().get("/v1/sessions/" + sessionId + "/search?q=" + encode(q) + "&k=7");
        String longest = "é".repeat(999) + "😀"; // 1000 characters, 1001 UTF-16 units
        Api.Response longestAllowed = gateway.api().get("/v1/sessions/" + sessionId + "/search?q=" + encode(longest));

        assertEquals(200, response.status(), response.body());
        assertEquals("application/json", response.header("Content-Type"));
        assertEquals(results, response.body());
        assertEquals(200, longestAllowed.status(), longestAllowed.body());
        List<FakePostprocess.Request> seen = postprocess.requestsFor(sessionId);
        assertEquals(2, seen.size(), seen.toString());
        assertEquals("/sessions/" + sessionId + "/search", seen.get(0).path());
        assertEquals(q, seen.get(0).q(), "raw query: " + seen.get(0).rawQuery());
        assertEquals("7", seen.get(0).k());
        assertEquals(longest, seen.get(1).q());
        assertEquals("5", seen.get(1).k(), "k defaults to 5");
    }

    @Test
    @DisplayName("a search in a session postprocess has not read yet is 200 with no results")
    void searchOfAnUnreadSession() {
        String sessionId = gateway.api().createSession();

        Api.Response response = gateway.api().get("/v1/sessions/" + sessionId + "/search?q=anything");

        assertEquals(200, response.status(), response.body());
        assertEquals(new JsonObject().put("sessionId", sessionId).put("query", "anything")
                .put("results", new JsonArray()), response.json());
        assertEquals(1, postprocess.requestsFor(sessionId).size());
    }

    @Test
    @DisplayName("postprocess' own 400 for a search is passed on with its code")
    void searchRefusedByPostprocess() {
        String sessionId = gateway.api().createSession();
        postprocess.answer(sessionId, Answer.error(400, "bad_query", "nothing to embed"));

        Api.Response response = gateway.api().get("/v1/sessions/" + sessionId + "/search?q=%E2%80%8B");

        assertEquals(400, response.status(), response.body());
        assertEquals("bad_query", response.errorCode());
        assertTrue(response.body().contains("nothing to embed"), response.body());
    }

    @ParameterizedTest(name = "GET /v1/sessions/<sid>{0}")
    @ValueSource(strings = {"", "/search?q=hello"})
    @DisplayName("postprocess not listening: 503 postprocess_unavailable naming its URL, with Retry-After: 1:")
    void postprocessUnreachable(String suffix) {
        Api.Response response = unreachable.api().get("/v1/sessions/" + session + suffix);

        assertEquals(503, response.status(), response.body());
        assertEquals("postprocess_unavailable", response.errorCode());
        assertEquals("1", response.header("Retry-After"));
        assertTrue(message(response).contains("localhost:" + closedPort), message(response));
        assertTrue(message(response).contains("cannot be reached"), message(response));
    }

    @Test
    @DisplayName("GET /v1/usage without authentication answers the anonymous principal's totals from postprocess")
    void usageOfAnonymous() {
        String totals = "{\"principal\": \"anonymous\", \"turns\": 2, \"completed\": 1, \"failed\": 1, "
                + "\"cancelled\": 0, \"promptTokens\": 13, \"completionTokens\": 5, \"costUsd\": 0.75, "
                + "\"estimated\": true}";
        postprocess.answer("anonymous", Answer.json(200, totals));

        Api.Response response = gateway.api().get("/v1/usage");

        assertEquals(200, response.status(), response.body());
        assertEquals(totals, response.body());
    }

    @ParameterizedTest(name = "GET {0}")
    @ValueSource(strings = {"/v1/usage", "/v1/sessions"})
    @DisplayName("the caller's usage or sessions with postprocess not listening: 503 postprocess_unavailable with "
            + "Retry-After: 1:")
    void principalViewWithPostprocessUnreachable(String path) {
        Api.Response response = unreachable.api().get(path);

        assertEquals(503, response.status(), response.body());
        assertEquals("postprocess_unavailable", response.errorCode());
        assertEquals("1", response.header("Retry-After"));
        assertTrue(message(response).contains("localhost:" + closedPort), message(response));
    }

    @Test
    @DisplayName("postprocess rebalancing (503) or failing (500): 503 postprocess_unavailable with its Retry-After")
    void postprocessNotServing() {
        String rebalancing = gateway.api().createSession();
        postprocess.answer(rebalancing, Answer.error(503, "not_ready", "rebalancing").withHeader("Retry-After", "3"));
        String failing = gateway.api().createSession();
        postprocess.answer(failing, Answer.text(500, "text/plain", "Internal Server Error"));

        Api.Response notReady = gateway.api().get("/v1/sessions/" + rebalancing);
        Api.Response failed = gateway.api().get("/v1/sessions/" + failing + "/search?q=x");

        assertEquals(503, notReady.status(), notReady.body());
        assertEquals("postprocess_unavailable", notReady.errorCode());
        assertEquals("3", notReady.header("Retry-After"));
        assertTrue(message(notReady).contains("rebalancing"), message(notReady));
        assertEquals(503, failed.status(), failed.body());
        assertEquals("postprocess_unavailable", failed.errorCode());
        assertEquals("1", failed.header("Retry-After"));
        assertTrue(message(failed).contains("HTTP 500"), message(failed));
    }

    static Stream<Arguments> tooSlow() {
        return Stream.of(Arguments.of("silent", Answer.NEVER),
                Arguments.of("sending its answer a byte at a time", Answer.TRICKLE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tooSlow")
    @DisplayName("postprocess with no whole answer within PARLEY_POSTPROCESS_TIMEOUT_MS: 503 postprocess_unavailable:")
    void postprocessTooSlow(String name, Answer answer) {
        String sessionId = gateway.api().createSession();
        postprocess.answer(sessionId, answer);

        Api.Response response = gateway.api().get("/v1/sessions/" + sessionId);

        assertEquals(503, response.status(), response.body());
        assertEquals("postprocess_unavailable", response.errorCode());
        assertEquals("1", response.header("Retry-After"));
        assertTrue(message(response).contains("did not answer within " + TIMEOUT_MS + " ms"), message(response));
    }

    static Stream<Arguments> garbage() {
        return Stream.of(
                Arguments.of("an HTML page", "", Answer.text(200, "text/html", "<html><body>It works!</body></html>")),
                Arguments.of("a JSON array", "", Answer.json(200, "[1, 2, 3]")),
                Arguments.of("truncated JSON", "/search?q=x", Answer.json(200, "{\"sessionId\": \"abc")),
                Arguments.of("an empty body", "/search?q=x", Answer.text(200, null, "")),
                Arguments.of("another service's 404 (a wrong PARLEY_POSTPROCESS_URL)", "",
                        Answer.error(404, "not_found", "no such resource: /sessions/x")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    @DisplayName("an answer that is not postprocess' JSON gets 502 postprocess_bad_response:")
    void garbageFromPostprocess(String name, String suffix, Answer answer) {
        String sessionId = gateway.api().createSession();
        postprocess.answer(sessionId, answer);

        Api.Response response = gateway.api().get("/v1/sessions/" + sessionId + suffix);

        assertEquals(502, response.status(), response.body());
        assertEquals("postprocess_bad_response", response.errorCode());
        assertEquals(1, postprocess.requestsFor(sessionId).size());
    }

    private static List<String> paths(String sessionId) {
        return postprocess.requestsFor(sessionId).stream().map(FakePostprocess.Request::path).toList();
    }

    private static String message(Api.Response response) {
        return response.json().getJsonObject("error").getString("message");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
