package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.ingest.auth.KeysMain;
import dev.parley.standalone.client.ParleyHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /v1/sessions end to end: API keys, the gateway, the ledger and postprocess-streams' principal-sessions. */
@DisplayName("GET /v1/sessions lists the caller's own sessions, newest first, named by their first line")
class SessionListIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @DisplayName("two principals with API keys each see only their own sessions, newest first; a stranger gets 401")
    void eachPrincipalSeesOnlyItsOwn(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = StandaloneConfig.onFreePorts(dataDir);
        env.put("PARLEY_EMBEDDINGS", "none");
        env.put("PARLEY_AUTH", "keys");
        StandaloneConfig config = StandaloneConfig.fromEnvironment(env);
        try (Standalone parley = Standalone.start(config)) {
            Map<String, Object> kafka = Map.of("bootstrap.servers", parley.bootstrapServers(),
                "schema.registry.url", parley.registryUrl());
            ParleyHttp ada = new ParleyHttp(parley.url(), KeysMain.create(kafka, "ada").key());
            ParleyHttp grace = new ParleyHttp(parley.url(), KeysMain.create(kafka, "grace").key());
            for (ParleyHttp caller : List.of(ada, grace)) {
                await().atMost(WAIT).until(() -> caller.send("GET", "/v1/sessions", null).statusCode() != 401);
            }

            String adaFirst = ada.createSession();
            ada.postTurn(adaFirst, "Ada's first question\n#sim: tokens=2");
            String graceOnly = grace.createSession();
            grace.postTurn(graceOnly, "#sim: tokens=2\nGrace's question");
            String adaSecond = ada.createSession();
            ada.postTurn(adaSecond, "Ada's second question");

            List<String> adaExpected = List.of(adaSecond + " Ada's second question",
                adaFirst + " Ada's first question");
            await().atMost(WAIT).until(() -> adaExpected.equals(listed(ada)));
            await().atMost(WAIT).until(() -> List.of(graceOnly + " Grace's question").equals(listed(grace)));
            JsonNode newest = ParleyHttp.expect(200, ada.send("GET", "/v1/sessions?limit=1", null));
            assertEquals(adaSecond, newest.get("sessions").get(0).get("sessionId").asText());
            assertEquals(1, newest.get("sessions").size());
            assertEquals(401, new ParleyHttp(parley.url()).send("GET", "/v1/sessions", null).statusCode());
        }
    }

    /** Each listed session as "id firstLine", in the order listed; null while postprocess cannot answer. */
    private static List<String> listed(ParleyHttp caller) throws Exception {
        var response = caller.send("GET", "/v1/sessions", null);
        if (response.statusCode() != 200) {
            return null;
        }
        List<String> sessions = new ArrayList<>();
        for (JsonNode s : ParleyHttp.JSON.readTree(response.body()).get("sessions")) {
            sessions.add(s.get("sessionId").asText() + " " + s.get("firstLine").asText());
        }
        return sessions;
    }
}
