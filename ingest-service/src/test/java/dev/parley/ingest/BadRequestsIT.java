package dev.parley.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.schemas.ids.UuidV7;
import dev.parley.ingest.kafka.TopicLayout;
import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.http.ApiRouter;
import dev.parley.ingest.support.LedgerProbe;
import dev.parley.ingest.support.RawHttpConnection;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Bad requests get the documented status and error code, and nothing is written to the ledger")
@ExtendWith(SharedKafka.Extension.class)
class BadRequestsIT {

    private static final int MAX_TURN_BYTES = 1_000;

    private static Gateway gateway;
    private static LedgerProbe ledger;
    private static String session;
    private static String turn;

    @BeforeAll
    static void start() {
        SharedKafka kafka = SharedKafka.get();
        gateway = Gateway.start(kafka.ingestConfig(Map.of(IngestConfig.MAX_TURN_BYTES, "" + MAX_TURN_BYTES)));
        ledger = new LedgerProbe(kafka.clientConfig());
        session = gateway.api().createSession();
        turn = gateway.api().submitTurn(session, "a turn that exists");
    }

    @AfterAll
    static void stop() {
        ledger.close();
        gateway.close();
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                bad("malformed JSON", api -> postTurn(api, session, "{\"text\": \"unterminated"), 400, "invalid_json"),
                bad("a JSON array", api -> postTurn(api, session, "[\"text\"]"), 400, "invalid_json"),
                bad("an empty body", api -> postTurn(api, session, ""), 400, "invalid_json"),
                bad("no text", api -> postTurn(api, session, "{\"clientTurnId\": \"c\"}"), 400, "missing_text"),
                bad("blank text", api -> postTurn(api, session, "{\"text\": \"  \"}"), 400, "missing_text"),
                bad("text not a string", api -> postTurn(api, session, "{\"text\": 5}"), 400, "missing_text"),
                bad("clientTurnId not a string", api -> postTurn(api, session,
                        "{\"text\": \"hi\", \"clientTurnId\": 7}"), 400, "bad_request"),
                bad("a route with a space", api -> postTurn(api, session,
                        "{\"text\": \"hi\", \"route\": \"deep think\"}"), 400, "bad_route"),
                bad("a route of 65 characters", api -> postTurn(api, session,
                        "{\"text\": \"hi\", \"route\": \"" + "r".repeat(65) + "\"}"), 400, "bad_route"),
                bad("a spotlight that is a string", api -> postTurn(api, session,
                        "{\"text\": \"hi\", \"spotlight\": \"yes\"}"), 400, "bad_spotlight"),
                bad("generation with maxTokens 0", api -> postTurn(api, session,
                        "{\"text\": \"hi\", \"generation\": {\"maxTokens\": 0}}"), 400, "bad_generation"),
                bad("generation with five stop sequences", api -> postTurn(api, session,
                        "{\"text\": \"hi\", \"generation\": {\"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}}"),
                        400, "bad_generation"),
                bad("text one UTF-8 byte over the limit", api -> postTurn(api, session,
                        new JsonObject().put("text", "é".repeat(MAX_TURN_BYTES / 2) + "x").encode()),
                        413, "turn_too_large"),
                bad("a body far beyond the limit", api -> postTurn(api, session,
                        new JsonObject().put("text", "x".repeat(MAX_TURN_BYTES * 100)).encode()),
                        413, "turn_too_large"),
                bad("a turn for an unknown session", api -> postTurn(api, UuidV7.next().toString(),
                        "{\"text\": \"hi\"}"), 404, "unknown_session"),
                bad("a turn for a malformed session id", api -> postTurn(api, "not-a-session",
                        "{\"text\": \"hi\"}"), 404, "unknown_session"),
                bad("the status of an unknown turn", api -> api.get(turnPath(UuidV7.next().toString())),
                        404, "unknown_turn"),
                bad("the status of a malformed turn id", api -> api.get(turnPath("nope")), 404, "unknown_turn"),
                bad("a non-numeric wait", api -> api.get(turnPath(turn) + "?wait=soon"), 400, "bad_request"),
                bad("a wait over 60 seconds", api -> api.get(turnPath(turn) + "?wait=61"), 400, "bad_request"),
                bad("a negative wait", api -> api.get(turnPath(turn) + "?wait=-1"), 400, "bad_request"),
                bad("cancelling an unknown turn", api -> api.post(turnPath(UuidV7.next().toString()) + "/cancel",
                        null), 404, "unknown_turn"),
                bad("cancelling in an unknown session", api -> api.post("/v1/sessions/" + UuidV7.next()
                        + "/turns/" + turn + "/cancel", null), 404, "unknown_session"),
                bad("events of an unknown session", api -> api.get("/v1/sessions/" + UuidV7.next() + "/events"),
                        404, "unknown_session"),
                bad("a malformed Last-Event-ID", api -> api.get(eventsPath(""), Map.of("Last-Event-ID", "12")),
                        400, "bad_cursor"),
                bad("a malformed ?after", api -> api.get(eventsPath("?after=3-x")), 400, "bad_cursor"),
                bad("a cursor of another partition", api -> api.get(eventsPath("?after="
                        + ((partition(session) + 1) % Topics.DEFAULT_PARTITIONS) + "-0")), 400, "bad_cursor"),
                bad("a cursor past the end", api -> api.get(eventsPath("?after=" + partition(session)
                        + "-999999999")), 400, "bad_cursor"),
                bad("a malformed ?turnId", api -> api.get(eventsPath("?turnId=42")), 400, "bad_request"),
                bad("an unknown path", api -> api.get("/v1/nothing-here"), 404, "not_found"),
                bad("a cursor at the largest offset", api -> api.get(eventsPath("?after=" + partition(session)
                        + "-9223372036854775807")), 400, "bad_cursor"),
                bad("a cursor in another script's digits", api -> api.get(eventsPath("?after=%D9%A3-%D9%A1")),
                        400, "bad_cursor"),
                bad("a request line over the limit", api -> raw(api, "GET /v1/models?x="
                        + "y".repeat(ApiRouter.maxRequestLine()) + " HTTP/1.1\r\nHost: localhost\r\n\r\n"),
                        414, "uri_too_long"),
                bad("headers over the limit", api -> raw(api, "GET /v1/sessions/" + session + " HTTP/1.1\r\n"
                        + "Host: localhost\r\nX-Huge: " + "h".repeat(9_000) + "\r\n\r\n"), 431, "headers_too_large"),
                bad("a request that is not HTTP", api -> raw(api, "GET /health/live HTTP/1.x\r\n\r\n"),
                        400, "bad_request"),
                bad("a chunked body of truncated JSON", api -> raw(api, "POST /v1/sessions/" + session + "/turns "
                        + "HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"tex\r\n"
                        + "0\r\n\r\n"), 400, "invalid_json"),
                bad("a WebSocket upgrade without a key", api -> raw(api, "GET /v1/sessions/" + session + "/ws "
                        + "HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n"), 400, "bad_request"),
                bad("a WebSocket upgrade of an unknown version", api -> raw(api, "GET /v1/sessions/" + session
                        + "/ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n"),
                        400, "bad_request"),
                bad("a Range past the chat page's end", api -> api.get("/index.html",
                        Map.of("Range", "bytes=99999999-")), 416, "requested_range_not_satisfiable"),
                bad("an unknown path under the OpenAI API", api -> api.get("/v1/chat/nothing"), 404, "not_found"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    @DisplayName("is rejected and writes nothing:")
    void rejectedWithoutWriting(String name, Function<Api, Api.Response> request, int status, String code) {
        Map<TopicPartition, Long> mark = ledger.mark();

        Api.Response response = request.apply(gateway.api());

        assertEquals(status, response.status(), response.body());
        assertEquals(code, response.errorCode(), response.body());
        assertEquals("application/json", response.header("Content-Type"), response.body());
        assertEquals(List.of(), ledger.appendedWithin(mark, Duration.ofMillis(500)));
    }

    /** A request java.net.http would refuse to send, on a bare socket; its answer as an {@link Api.Response}. */
    private static Api.Response raw(Api api, String request) {
        try (RawHttpConnection connection = RawHttpConnection.open(api.port(), Duration.ofSeconds(10))) {
            connection.write(request.getBytes(StandardCharsets.ISO_8859_1));
            RawHttpConnection.Response response = connection.read(false);
            Map<String, List<String>> headers = new HashMap<>();
            response.headers().forEach((name, value) -> headers.put(name, List.of(value)));
            return new Api.Response(response.status(), response.bodyText(), HttpHeaders.of(headers, (n, v) -> true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Arguments bad(String name, Function<Api, Api.Response> request, int status, String code) {
        return Arguments.of(name, request, status, code);
    }

    private static Api.Response postTurn(Api api, String sessionId, String body) {
        return api.post("/v1/sessions/" + sessionId + "/turns", body);
    }

    private static String turnPath(String turnId) {
        return "/v1/sessions/" + session + "/turns/" + turnId;
    }

    private static String eventsPath(String query) {
        return "/v1/sessions/" + session + "/events" + query;
    }

    private static int partition(String sessionId) {
        return TopicLayout.partitionFor(sessionId, Topics.DEFAULT_PARTITIONS);
    }
}
