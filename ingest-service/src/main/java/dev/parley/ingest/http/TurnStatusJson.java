package dev.parley.ingest.http;

import dev.parley.avro.BackendCall;
import dev.parley.avro.BatchShare;
import dev.parley.avro.RouteChoice;
import dev.parley.avro.StageText;
import dev.parley.avro.Usage;
import dev.parley.ingest.ledger.TurnOutcome;
import dev.parley.ingest.ledger.TurnStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The body of {@code GET .../turns/{turnId}}. A turn that ended always has the keys route, backend, stages,
 * attempts, usage and costUsd (null or empty when the worker recorded none), so clients need not probe for them; a
 * turn answered in a batch call also has batch, one whose requests began with a persona block persona.
 */
final class TurnStatusJson {

    private TurnStatusJson() {
    }

    static JsonObject of(TurnStatus status) {
        JsonObject json = new JsonObject().put("turnId", status.turnId()).put("status", status.state().apiName())
                .put("text", status.text());
        if (status.reason() != null) {
            json.put("reason", status.reason());
        }
        TurnOutcome outcome = status.outcome();
        if (outcome != null) {
            json.put("route", route(outcome.route()))
                    .put("backend", outcome.backend())
                    .put("finishReason", outcome.finishReason())
                    .put("stages", stages(outcome))
                    .put("attempts", attempts(outcome))
                    .put("usage", usage(outcome.usage()))
                    .put("costUsd", outcome.costUsd());
            if (outcome.batch() != null) {
                BatchShare batch = outcome.batch();
                json.put("batch", new JsonObject().put("batchId", batch.getBatchId()).put("agent", batch.getAgent())
                        .put("callId", batch.getCallId()).put("callAgents", batch.getCallAgents()));
            }
            if (outcome.persona() != null) {
                json.put("persona", new JsonObject().put("name", outcome.persona().getName())
                        .put("version", outcome.persona().getVersion()));
            }
        }
        return json;
    }

    private static JsonObject route(RouteChoice route) {
        return route == null ? null : new JsonObject().put("route", route.getRoute()).put("rule", route.getRule());
    }

    private static JsonArray stages(TurnOutcome outcome) {
        JsonArray stages = new JsonArray();
        for (StageText stage : outcome.stages()) {
            stages.add(new JsonObject().put("stage", stage.getStage()).put("text", stage.getText())
                    .put("confidence", stage.getConfidence()).put("backend", stage.getBackend()));
        }
        return stages;
    }

    private static JsonArray attempts(TurnOutcome outcome) {
        JsonArray attempts = new JsonArray();
        for (BackendCall call : outcome.attempts()) {
            attempts.add(new JsonObject().put("attempt", call.getAttempt()).put("stage", call.getStage())
                    .put("backend", call.getBackend()).put("model", call.getModel())
                    .put("outcome", call.getOutcome()).put("reason", call.getReason())
                    .put("failureKind", call.getFailureKind()).put("partialText", call.getPartialText())
                    .put("usage", usage(call.getUsage())).put("costUsd", call.getCostUsd()));
        }
        return attempts;
    }

    private static JsonObject usage(Usage usage) {
        return usage == null ? null : new JsonObject().put("promptTokens", usage.getPromptTokens())
                .put("completionTokens", usage.getCompletionTokens())
                .put("cachedPromptTokens", usage.getCachedPromptTokens()).put("estimated", usage.getEstimated());
    }
}
