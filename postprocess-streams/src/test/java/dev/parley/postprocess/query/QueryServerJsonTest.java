package dev.parley.postprocess.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.PrincipalSession;
import dev.parley.avro.PrincipalSessions;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.UsageTotals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The query API's JSON (what the gateway's GET /v1/sessions/{sid} and GET /v1/sessions pass through)")
class QueryServerJsonTest {

    @Test
    @DisplayName("usage totals appear as promptTokens, completionTokens, costUsd and estimated")
    void usageTotals() {
        JsonObject json = QueryServer.toJson(snapshot(new UsageTotals(37L, 9L, 0.012, true)));

        assertEquals(new JsonObject().put("promptTokens", 37L).put("completionTokens", 9L).put("costUsd", 0.012)
            .put("estimated", true), json.getJsonObject("usage"));
    }

    @Test
    @DisplayName("a session with no ended turn has usage null, not zeros it never counted")
    void noUsageYet() {
        JsonObject json = QueryServer.toJson(snapshot(null));

        assertTrue(json.containsKey("usage") && json.getValue("usage") == null, json.encode());
    }

    @Test
    @DisplayName("a principal's sessions appear newest first as sessionId, createdAt (ISO-8601) and firstLine, "
        + "up to the limit")
    void principalSessions() {
        PrincipalSessions list = new PrincipalSessions("ada", List.of(
            new PrincipalSession("s-2", Instant.parse("2026-11-20T10:00:02Z"), null),
            new PrincipalSession("s-1", Instant.parse("2026-11-20T10:00:01Z"), "Plan a trip")));

        assertEquals(new JsonObject().put("principal", "ada").put("sessions", new JsonArray()
            .add(new JsonObject().put("sessionId", "s-2").put("createdAt", "2026-11-20T10:00:02Z")
                .putNull("firstLine"))), QueryServer.toJson(list, 1));
        assertEquals("Plan a trip", QueryServer.toJson(list, 50).getJsonArray("sessions").getJsonObject(1)
            .getString("firstLine"));
    }

    private static SessionSnapshot snapshot(UsageTotals usage) {
        return SessionSnapshot.newBuilder().setSessionId("s").setTurnCount(1).setLedgerPartition(0)
            .setLedgerOffset(3).setRecentTurns(List.of()).setSummary(null).setOpenCommitments(List.of())
            .setUsage(usage).setFacts(Map.of()).setUpdatedAt(Instant.parse("2026-11-20T10:00:00Z")).build();
    }
}
