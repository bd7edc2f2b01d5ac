package dev.parley.postprocess.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.UsageTotals;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The query API's snapshot JSON (what the gateway's GET /v1/sessions/{sid} passes through)")
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

    private static SessionSnapshot snapshot(UsageTotals usage) {
        return SessionSnapshot.newBuilder().setSessionId("s").setTurnCount(1).setLedgerPartition(0)
            .setLedgerOffset(3).setRecentTurns(List.of()).setSummary(null).setOpenCommitments(List.of())
            .setUsage(usage).setFacts(Map.of()).setUpdatedAt(Instant.parse("2026-11-20T10:00:00Z")).build();
    }
}
