package dev.parley.ingest.http;

import dev.parley.ingest.health.ReadinessCheck;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;

/** {@code GET /health/live} and {@code GET /health/ready}; both bodies of ready carry what was checked. */
final class HealthHandlers {

    private final ReadinessCheck readiness;

    HealthHandlers(ReadinessCheck readiness) {
        this.readiness = readiness;
    }

    void live(RoutingContext ctx) {
        JsonResponses.send(ctx, 200, new JsonObject().put("status", "live"));
    }

    void ready(RoutingContext ctx) {
        readiness.check().onSuccess(result -> {
            JsonObject checks = new JsonObject(new LinkedHashMap<>(result.checks()));
            if (result.ready()) {
                JsonResponses.send(ctx, 200, new JsonObject().put("status", "ready").put("checks", checks));
            } else {
                JsonResponses.send(ctx, 503, JsonResponses.errorBody("not_ready", result.reason()).put("checks", checks));
            }
        }).onFailure(error -> JsonResponses.fail(ctx, error));
    }
}
