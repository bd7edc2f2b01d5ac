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

@DisplayName("GET /v1/usage answers the caller's own usage totals from postprocess")
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
        String alice = totals("alice", 3, 12.5).encode();
        String bob = totals("bob", 1, 0.0).encode();
        postprocess.answer("alice", Answer.json(200, alice));
        postprocess.answer("bob", Answer.json(200, bob));

        Api.Response aliceSees = gateway.api().get("/v1/usage", bearer("alice"));
        Api.Response bobSees = gateway.api().get("/v1/usage", bearer("bob"));

        assertEquals(200, aliceSees.status(), aliceSees.body());
        assertEquals("application/json", aliceSees.header("Content-Type"));
        assertEquals(alice, aliceSees.body());
        assertEquals(bob, bobSees.body());
        assertEquals(List.of("/usage/alice"), postprocess.requestsFor("alice").stream()
                .map(FakePostprocess.Request::path).toList());
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

    private static Map<String, String> bearer(String subject) throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(JWT_SECRET.getBytes(StandardCharsets.UTF_8)));
        return Map.of("Authorization", "Bearer " + jwt.serialize());
    }
}
