package dev.parley.ingest.http;

import dev.parley.ingest.kafka.ReadinessCheck;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /health/live} and {@code GET /health/ready}. */
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
            if (result.ready()) {
                JsonResponses.send(ctx, 200, new JsonObject().put("status", "ready"));
            } else {
                JsonResponses.send(ctx, 503, JsonResponses.errorBody("not_ready", result.reason()));
            }
        }).onFailure(error -> JsonResponses.fail(ctx, error));
    }
}
