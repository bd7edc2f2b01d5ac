package dev.parley.ingest.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.UserTurn;
import dev.parley.ingest.openai.OpenAiApi;
import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.LedgerProbe;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.ingest.support.SseClient;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.ids.UuidV7;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and ownership against the real broker and HTTP: two gateways with API keys and JWTs (HS256 with
 * a secret, RS256 with a JWKS file made here), keys made with the keys CLI, stream tokens.
 */
@ExtendWith(SharedKafka.Extension.class)
@DisplayName("Authentication and session ownership")
class AuthIT {

    private static final String JWT_SECRET = "a-shared-test-secret-of-32-bytes-or-more";
    private static final String STREAM_SECRET = "the-stream-token-secret-of-both-gateways";
    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "parley-test";
    private static final Duration PROPAGATION = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private static SharedKafka kafka;
    private static Gateway first;
    private static Gateway second;
    private static LedgerProbe ledger;
    private static RSAKey idpKey;
    private static RSAKey foreignKey;
    private static String aliceKey;
    private static String bobKey;
    private static String revokedKey;
    private static String aliceSession;
    private static String aliceTurn;

    @BeforeAll
    static void start() throws Exception {
        kafka = SharedKafka.get();
        idpKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        foreignKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(idpKey.toPublicJWK()).toString());
        Map<String, String> env = Map.of(AuthConfig.MODE, "keys,jwt", AuthConfig.JWT_SECRET, JWT_SECRET,
                AuthConfig.JWT_JWKS_FILE, jwks.toString(), AuthConfig.JWT_ISSUER, ISSUER,
                AuthConfig.JWT_AUDIENCE, AUDIENCE, AuthConfig.STREAM_TOKEN_SECRET, STREAM_SECRET);
        first = Gateway.start(kafka.ingestConfig(env));
        second = Gateway.start(kafka.ingestConfig(env));
        ledger = new LedgerProbe(kafka.clientConfig());
        aliceKey = createKey("alice");
        bobKey = createKey("bob");
        revokedKey = createKey("mallory");
        awaitAccepted(aliceKey, first.api(), second.api());
        awaitAccepted(bobKey, first.api(), second.api());
        awaitAccepted(revokedKey, first.api(), second.api());
        assertEquals(0, cli("revoke", keyIdOf(revokedKey)).code());
        awaitRefused(revokedKey, first.api(), second.api());

        Api.Response created = first.api().request("POST", "/v1/sessions", null, bearer(aliceKey));
        assertEquals(201, created.status(), created.body());
        aliceSession = created.json().getString("sessionId");
        Api.Response turn = first.api().request("POST", "/v1/sessions/" + aliceSession + "/turns",
                new JsonObject().put("text", "hello").encode(), bearer(aliceKey));
        assertEquals(202, turn.status(), turn.body());
        aliceTurn = turn.json().getString("turnId");
    }

    @AfterAll
    static void stop() {
        ledger.close();
        second.close();
        first.close();
    }

    @Test
    @DisplayName("every endpoint refuses a missing, wrong, revoked, expired, foreign, mis-addressed or forged "
            + "credential with 401, WWW-Authenticate: Bearer and the API's error shape, and writes nothing")
    void refusesBadCredentials() throws Exception {
        Map<String, Map<String, String>> credentials = new LinkedHashMap<>();
        credentials.put("none", Map.of());
        credentials.put("wrong key", bearer("pk_0123456789abcdef_" + "x".repeat(43)));
        credentials.put("wrong secret of a real key id", bearer(aliceKey.substring(0, aliceKey.length() - 4) + "AAAA"));
        credentials.put("malformed key", bearer("pk_nonsense"));
        credentials.put("revoked key", bearer(revokedKey));
        credentials.put("expired JWT", bearer(hs256(claims("carol").expirationTime(ago(600)).build(), JWT_SECRET)));
        credentials.put("foreign issuer", bearer(hs256(claims("carol").issuer("https://evil.test").build(),
                JWT_SECRET)));
        credentials.put("wrong audience", bearer(hs256(claims("carol").audience("another-service").build(),
                JWT_SECRET)));
        credentials.put("HS256 with another secret", bearer(hs256(claims("carol").build(),
                "not-the-secret-but-just-as-long-as-it")));
        credentials.put("RS256 by a key not in the JWKS", bearer(rs256(claims("carol").build(), foreignKey)));
        credentials.put("JWT without expiry", bearer(hs256(new JWTClaimsSet.Builder().subject("carol")
                .issuer(ISSUER).audience(AUDIENCE).build(), JWT_SECRET)));
        credentials.put("Basic", Map.of("Authorization", "Basic YWxpY2U6c2VjcmV0"));

        Map<TopicPartition, Long> mark = ledger.mark();
        for (Endpoint endpoint : endpoints(aliceSession, aliceTurn)) {
            for (var credential : credentials.entrySet()) {
                Api.Response response = first.api().request(endpoint.method(), endpoint.path(), endpoint.body(),
                        credential.getValue());
                String what = endpoint + " with " + credential.getKey() + ": " + response.body();
                assertEquals(401, response.status(), what);
                assertTrue(response.header("WWW-Authenticate").startsWith("Bearer"), what);
                JsonObject error = response.json().getJsonObject("error");
                if (OpenAiApi.owns(endpoint.path())) {
                    assertEquals("invalid_api_key", error.getString("code"), what);
                    assertEquals("invalid_request_error", error.getString("type"), what);
                } else {
                    assertEquals("unauthorized", error.getString("code"), what);
                }
                assertNotNull(error.getString("message"), what);
            }
        }
        for (var credential : credentials.entrySet()) {
            assertEquals(401, upgradeStatus(first.api(), "/v1/sessions/" + aliceSession + "/ws",
                    credential.getValue()), "WebSocket with " + credential.getKey());
        }
        assertEquals(List.of(), ledger.appendedWithin(mark, Duration.ofSeconds(1)));
    }

    @Test
    @DisplayName("/v1/chat/completions answers a bad key with the 401 the OpenAI SDKs expect")
    void openAiShaped401() {
        Api.Response response = first.api().request("POST", "/v1/chat/completions",
                new JsonObject().put("model", "parley-simulator").put("messages", new JsonArray()
                        .add(new JsonObject().put("role", "user").put("content", "hi"))).encode(),
                bearer("pk_0123456789abcdef_wrong"));
        assertEquals(401, response.status(), response.body());
        JsonObject error = response.json().getJsonObject("error");
        assertEquals(Map.of("message", error.getString("message"), "type", "invalid_request_error",
                "code", "invalid_api_key"), withoutParam(error));
        assertTrue(error.containsKey("param") && error.getValue("param") == null, error.encode());
    }

    @Test
    @DisplayName("a session is its creator's: keys and JWTs (HS256, RS256) record their principal in the ledger")
    void recordsPrincipals() throws Exception {
        Map<String, Map<String, String>> callers = Map.of(
                "alice", bearer(aliceKey),
                "carol", bearer(hs256(claims("carol").build(), JWT_SECRET)),
                "dave", bearer(rs256(claims("dave").build(), idpKey)));
        for (var caller : callers.entrySet()) {
            Map<TopicPartition, Long> mark = ledger.mark();
            Api.Response created = second.api().request("POST", "/v1/sessions", null, caller.getValue());
            assertEquals(201, created.status(), created.body());
            String sessionId = created.json().getString("sessionId");
            Api.Response turn = second.api().request("POST", "/v1/sessions/" + sessionId + "/turns",
                    new JsonObject().put("text", "hi").encode(), caller.getValue());
            assertEquals(202, turn.status(), turn.body());
            List<LedgerEvent> events = ledger.readToEnd(mark).stream()
                    .filter(event -> event.getSessionId().equals(sessionId)).toList();
            assertEquals(2, events.size(), events.toString());
            assertEquals(caller.getKey(), ((SessionCreated) events.get(0).getPayload()).getCreatedBy());
            assertEquals(caller.getKey(), ((UserTurn) events.get(1).getPayload()).getPrincipal());
        }
    }

    @Test
    @DisplayName("another principal's session answers exactly like an unknown one on every endpoint, "
            + "and nothing is written")
    void otherPrincipalsSessionIsUnknown() throws Exception {
        String unknownSession = UuidV7.next().toString();
        Map<String, Map<String, String>> others = Map.of(
                "bob (key)", bearer(bobKey),
                "carol (JWT)", bearer(hs256(claims("carol").build(), JWT_SECRET)));
        Map<TopicPartition, Long> mark = ledger.mark();
        for (var other : others.entrySet()) {
            List<Endpoint> owned = sessionEndpoints(aliceSession, aliceTurn);
            List<Endpoint> unknown = sessionEndpoints(unknownSession, aliceTurn);
            for (int i = 0; i < owned.size(); i++) {
                Api.Response theirs = first.api().request(owned.get(i).method(), owned.get(i).path(),
                        owned.get(i).body(), other.getValue());
                Api.Response none = first.api().request(unknown.get(i).method(), unknown.get(i).path(),
                        unknown.get(i).body(), other.getValue());
                String what = owned.get(i) + " as " + other.getKey();
                assertEquals(404, theirs.status(), what + ": " + theirs.body());
                assertEquals(none.status(), theirs.status(), what);
                assertEquals(none.body().replace(unknownSession, "SID"), theirs.body().replace(aliceSession, "SID"),
                        what);
            }
            Map<String, String> continuing = new HashMap<>(other.getValue());
            continuing.put(OpenAiApi.SESSION_HEADER, aliceSession);
            Api.Response completion = first.api().request("POST", "/v1/chat/completions", completionBody(),
                    continuing);
            continuing.put(OpenAiApi.SESSION_HEADER, unknownSession);
            Api.Response unknownCompletion = first.api().request("POST", "/v1/chat/completions", completionBody(),
                    continuing);
            assertEquals(404, completion.status(), completion.body());
            assertEquals(unknownCompletion.body().replace(unknownSession, "SID"),
                    completion.body().replace(aliceSession, "SID"));
            assertEquals(404, upgradeStatus(first.api(), "/v1/sessions/" + aliceSession + "/ws", other.getValue()));
            assertEquals(404, upgradeStatus(first.api(), "/v1/sessions/" + unknownSession + "/ws",
                    other.getValue()));
        }
        assertEquals(List.of(), ledger.appendedWithin(mark, Duration.ofSeconds(1)));
    }

    @Test
    @DisplayName("a revoked key is refused by a second gateway within seconds")
    void revokeReachesEveryGateway() throws Exception {
        String key = createKey("erin");
        awaitAccepted(key, first.api(), second.api());
        long revokedAt = System.nanoTime();
        assertEquals(0, cli("revoke", keyIdOf(key)).code());
        awaitRefused(key, second.api(), first.api());
        assertTrue(System.nanoTime() - revokedAt < PROPAGATION.toNanos());
    }

    @Test
    @DisplayName("a stream token opens SSE, WebSocket and Durable Streams reads on any gateway, and nothing else")
    void streamTokens() throws Exception {
        Api.Response issued = first.api().request("POST", "/v1/stream-tokens", null, bearer(aliceKey));
        assertEquals(201, issued.status(), issued.body());
        String token = issued.json().getString("token");
        assertEquals(StreamTokens.LIFETIME.toSeconds(), issued.json().getLong("expiresIn"));
        String session = "/v1/sessions/" + aliceSession;

        for (Gateway gateway : List.of(first, second)) {
            try (SseClient sse = SseClient.open(gateway.api().http(),
                    gateway.api().uri(session + "/events?access_token=" + token), Map.of())) {
                assertEquals(200, sse.status());
            }
            assertEquals(101, upgradeStatus(gateway.api(), session + "/ws?access_token=" + token, Map.of()));
            assertEquals(200, gateway.api().get(session + "/stream?offset=-1&access_token=" + token).status());
            assertEquals(200, gateway.api().get(session + "/turns/" + aliceTurn + "/stream?offset=-1&access_token="
                    + token).status());
        }

        Map<TopicPartition, Long> mark = ledger.mark();
        String text = new JsonObject().put("text", "via a token").encode();
        assertEquals(401, first.api().request("POST", session + "/turns?access_token=" + token, text, Map.of())
                .status(), "a POST");
        assertEquals(401, first.api().request("POST", "/v1/sessions?access_token=" + token, null, Map.of())
                .status(), "a POST");
        assertEquals(401, first.api().get(session + "/turns/" + aliceTurn + "?access_token=" + token).status(),
                "a GET that is not a stream");
        assertEquals(401, first.api().request("GET", session + "/events", null, bearer(token)).status(),
                "a stream token is no bearer credential");
        assertEquals(List.of(), ledger.appendedWithin(mark, Duration.ofMillis(500)));

        String expired = streamToken(new JWTClaimsSet.Builder().subject("alice").audience(StreamTokens.AUDIENCE)
                .expirationTime(ago(60)).claim(StreamTokens.KEY_CLAIM, keyIdOf(aliceKey)).build());
        assertEquals(401, first.api().get(session + "/events?access_token=" + expired).status(), "expired");
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("alice", "bobby")
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertEquals(401, first.api().get(session + "/events?access_token=" + forged).status(), "tampered");
        assertEquals(401, first.api().get(session + "/events?access_token=" + token.substring(0, token.length() - 2))
                .status(), "bad signature");

        String bobsToken = first.api().request("POST", "/v1/stream-tokens", null, bearer(bobKey)).json()
                .getString("token");
        assertEquals(404, first.api().get(session + "/events?access_token=" + bobsToken).status(),
                "another principal's token");

        String key = createKey("frank");
        awaitAccepted(key, first.api());
        String franksToken = first.api().request("POST", "/v1/stream-tokens", null, bearer(key)).json()
                .getString("token");
        assertEquals(0, cli("revoke", keyIdOf(key)).code());
        await().atMost(PROPAGATION).until(() -> first.api().get("/v1/sessions/" + UuidV7.next()
                + "/events?access_token=" + franksToken).status() == 401);
    }

    @Test
    @DisplayName("the keys CLI prints a new key once, lists ids, principals and dates but never a secret, "
            + "and revokes")
    void keysCli() throws Exception {
        Cli created = cli("create", "--principal", "grace");
        assertEquals(0, created.code(), created.err());
        List<String> lines = created.out().lines().toList();
        assertEquals(1, lines.size(), created.out());
        String key = lines.get(0);
        assertTrue(key.startsWith(ApiKeys.PREFIX) && key.length() > 50, key);
        String keyId = keyIdOf(key);
        assertTrue(created.err().contains(keyId) && !created.err().contains(key), created.err());

        Cli listed = cli("list");
        assertEquals(0, listed.code(), listed.err());
        String line = listed.out().lines().filter(l -> l.startsWith(keyId)).findFirst().orElseThrow();
        assertTrue(line.contains("grace") && line.endsWith("-"), line);
        for (String secret : List.of(key, key.substring(key.lastIndexOf('_') + 1), ApiKeys.hash(key))) {
            assertTrue(!listed.out().contains(secret) && !listed.err().contains(secret), "list shows a secret");
        }

        assertEquals(0, cli("revoke", keyId).code());
        String revoked = cli("list").out().lines().filter(l -> l.startsWith(keyId)).findFirst().orElseThrow();
        assertTrue(!revoked.endsWith("-") && revoked.matches(".*\\d{4}-\\d\\d-\\d\\dT.*\\d{4}-\\d\\d-\\d\\dT.*"),
                revoked);
        assertEquals(1, cli("revoke", "0000000000000000").code(), "an unknown key id");
        assertEquals(2, cli("create").code(), "bad usage");
        assertEquals(2, cli("create", "--principal", Principals.ANONYMOUS).code(), "the anonymous principal");
    }

    // --- helpers

    private record Endpoint(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private record Cli(int code, String out, String err) {
    }

    /** Every API route: the session-scoped ones, plus those that are not. */
    private static List<Endpoint> endpoints(String sessionId, String turnId) {
        List<Endpoint> all = new ArrayList<>(sessionEndpoints(sessionId, turnId));
        all.add(new Endpoint("POST", "/v1/sessions", null));
        all.add(new Endpoint("GET", "/v1/sessions", null));
        all.add(new Endpoint("GET", "/v1/usage", null));
        all.add(new Endpoint("POST", "/v1/chat/completions", completionBody()));
        all.add(new Endpoint("GET", "/v1/models", null));
        all.add(new Endpoint("POST", "/v1/stream-tokens", null));
        return all;
    }

    private static List<Endpoint> sessionEndpoints(String sessionId, String turnId) {
        String session = "/v1/sessions/" + sessionId;
        return List.of(
                new Endpoint("GET", session, null),
                new Endpoint("GET", session + "/search?q=hello", null),
                new Endpoint("POST", session + "/turns", new JsonObject().put("text", "hi").encode()),
                new Endpoint("GET", session + "/turns/" + turnId, null),
                new Endpoint("POST", session + "/turns/" + turnId + "/cancel", null),
                new Endpoint("GET", session + "/events", null),
                new Endpoint("GET", session + "/stream?offset=-1", null),
                new Endpoint("GET", session + "/turns/" + turnId + "/stream?offset=-1", null),
                new Endpoint("POST", "/v1/batches/turns", new JsonObject().put("agents", new JsonArray()
                        .add(new JsonObject().put("sessionId", sessionId).put("text", "hi"))).encode()));
    }

    private static String completionBody() {
        return new JsonObject().put("model", "parley-simulator").put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", "hi"))).encode();
    }

    private static Map<String, Object> withoutParam(JsonObject error) {
        Map<String, Object> map = new HashMap<>(error.getMap());
        map.remove("param");
        return map;
    }

    private static Map<String, String> bearer(String credential) {
        return Map.of("Authorization", "Bearer " + credential);
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    private static Date ago(int seconds) {
        return Date.from(Instant.now().minusSeconds(seconds));
    }

    private static String hs256(JWTClaimsSet claims, String secret) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static String rs256(JWTClaimsSet claims, RSAKey key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** A stream token signed with the gateways' secret, as only a gateway could make it. */
    private static String streamToken(JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType(StreamTokens.TYPE)).build(), claims);
        jwt.sign(new MACSigner(STREAM_SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static String keyIdOf(String key) {
        return ApiKeys.keyIdOf(key).orElseThrow();
    }

    private static String createKey(String principal) throws InterruptedException {
        Cli created = cli("create", "--principal", principal);
        assertEquals(0, created.code(), created.err());
        return created.out().trim();
    }

    private static Cli cli(String... args) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Env env = new Env(Map.of(Env.KAFKA_BOOTSTRAP, kafka.bootstrapServers(), Env.REGISTRY_URL, kafka.registryUrl()));
        int code = KeysMain.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void awaitAccepted(String key, Api... gateways) {
        for (Api api : gateways) {
            await().atMost(PROPAGATION).until(() -> api.request("GET", "/v1/models", null, bearer(key)).status() == 200);
        }
    }

    private static void awaitRefused(String key, Api... gateways) {
        for (Api api : gateways) {
            await().atMost(PROPAGATION).until(() -> api.request("GET", "/v1/models", null, bearer(key)).status() == 401);
        }
    }

    /** 101 when the WebSocket upgrade succeeds, else the status it was refused with. */
    private static int upgradeStatus(Api api, String path, Map<String, String> headers) throws Exception {
        WebSocket.Builder builder = api.http().newWebSocketBuilder();
        headers.forEach(builder::header);
        try {
            WebSocket socket = builder.buildAsync(URI.create("ws://localhost:" + api.port() + path),
                    new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            socket.abort();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }
}
