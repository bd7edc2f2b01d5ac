package dev.parley.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.ingest.auth.AuthConfig;
import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.FakePostprocess;
import dev.parley.ingest.support.FakePostprocess.Answer;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.SharedKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("GET /v1/usage and GET /v1/sessions answer the caller's own usage totals and sessions from postprocess")
@ExtendWith(SharedKafka.Extension.class)
class UsageIT {

    private static final String JWT_SECRET = "a-shared-test-secret-of-32-bytes-or-more";
    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "parley-test";

    private static FakePostprocess postprocess;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        postprocess = FakePostprocess.start();
        gateway = Gateway.start(SharedKafka.get().ingestConfig(Map.of(IngestConfig.POSTPROCESS_URL, postprocess.url(),
                AuthConfig.MODE, "jwt", AuthConfig.JWT_SECRET, JWT_SECRET, AuthConfig.JWT_ISSUER, ISSUER,
                AuthConfig.JWT_AUDIENCE, AUDIENCE,
                AuthConfig.STREAM_TOKEN_SECRET, "the-stream-token-secret-of-the-gateway")));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        postprocess.close();
    }

    @Test
    @DisplayName("each caller gets the totals of its own principal, passed through from postprocess")
    void eachCallerGetsItsOwnTotals() throws JOSEException {
        assertEachCallerGetsItsOwn("/v1/usage", totals("alice", 3, 12.5), "/usage/alice", totals("bob", 1, 0.0));
    }

    @Test
    @DisplayName("each caller gets its own sessions: postprocess is asked for the caller's principal with the limit")
    void eachCallerGetsItsOwnSessions() throws JOSEException {
        assertEachCallerGetsItsOwn("/v1/sessions", sessions("erin", "s-2", "s-1"),
                "/principals/erin/sessions?limit=50", sessions("frank", "s-3"));

        gateway.api().get("/v1/sessions?limit=200", bearer("frank"));
        assertEquals("/principals/frank/sessions?limit=200", asked("frank").get(1));
    }

    /** Two callers ask {@code path}; each gets its own principal's answer, and postprocess was asked as expected. */
    private static void assertEachCallerGetsItsOwn(String path, JsonObject first, String firstAsked,
                                                   JsonObject second) throws JOSEException {
        String one = first.getString("principal");
        String other = second.getString("principal");
        postprocess.answer(one, Answer.json(200, first.encode()));
        postprocess.answer(other, Answer.json(200, second.encode()));

        Api.Response firstSees = gateway.api().get(path, bearer(one));
        Api.Response secondSees = gateway.api().get(path, bearer(other));

        assertEquals(200, firstSees.status(), firstSees.body());
        assertEquals("application/json", firstSees.header("Content-Type"));
        assertEquals(first.encode(), firstSees.body());
        assertEquals(second.encode(), secondSees.body());
        assertEquals(List.of(firstAsked), asked(one));
    }

    /** What postprocess was asked for the principal: path and query. */
    private static List<String> asked(String principal) {
        return postprocess.requestsFor(principal).stream()
                .map(r -> r.path() + (r.rawQuery() == null ? "" : "?" + r.rawQuery())).toList();
    }

    @Test
    @DisplayName("a limit that is not a whole number from 1 to 200 gets 400 bad_limit and never reaches postprocess")
    void badLimit() throws JOSEException {
        for (String limit : List.of("0", "201", "-1", "ten", "2.5")) {
            Api.Response response = gateway.api().get("/v1/sessions?limit=" + limit, bearer("gina"));

            assertEquals(400, response.status(), response.body());
            assertEquals("bad_limit", response.errorCode());
        }
        assertEquals(List.of(), postprocess.requestsFor("gina"));
    }

    @Test
    @DisplayName("postprocess rebalancing: GET /v1/sessions gets 503 postprocess_unavailable with its Retry-After")
    void sessionsWhilePostprocessRebalances() throws JOSEException {
        postprocess.answer("hal", Answer.error(503, "not_ready", "rebalancing").withHeader("Retry-After", "3"));

        Api.Response response = gateway.api().get("/v1/sessions", bearer("hal"));

        assertEquals(503, response.status(), response.body());
        assertEquals("postprocess_unavailable", response.errorCode());
        assertEquals("3", response.header("Retry-After"));
    }

    @Test
    @DisplayName("without credentials the request gets 401 and never reaches postprocess")
    void unauthenticatedIsRefused() {
        Api.Response response = gateway.api().get("/v1/usage");

        assertEquals(401, response.status(), response.body());
        assertEquals(List.of(), postprocess.requestsFor("anonymous"));
    }

    @Test
    @DisplayName("an answer postprocess should not give (its 404) is a 502 postprocess_bad_response")
    void unexpectedAnswerIsBadGateway() throws JOSEException {
        postprocess.answer("carol", Answer.error(404, "not_found", "no such resource: /usage/carol"));

        Api.Response response = gateway.api().get("/v1/usage", bearer("carol"));

        assertEquals(502, response.status(), response.body());
        assertEquals("postprocess_bad_response", response.errorCode());
    }

    private static JsonObject totals(String principal, long turns, double cost) {
        return new JsonObject().put("principal", principal).put("turns", turns).put("completed", turns)
                .put("failed", 0).put("cancelled", 0).put("promptTokens", 10 * turns)
                .put("completionTokens", 5 * turns).put("costUsd", cost).put("estimated", false);
    }

    private static JsonObject sessions(String principal, String... newestFirst) {
        JsonArray sessions = new JsonArray();
        for (String sessionId : newestFirst) {
            sessions.add(new JsonObject().put("sessionId", sessionId).put("createdAt", "2026-12-01T10:00:00Z")
                    .put("firstLine", "first line of " + sessionId));
        }
        return new JsonObject().put("principal", principal).put("sessions", sessions);
    }

    private static Map<String, String> bearer(String subject) throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(JWT_SECRET.getBytes(StandardCharsets.UTF_8)));
        return Map.of("Authorization", "Bearer " + jwt.serialize());
    }
}
