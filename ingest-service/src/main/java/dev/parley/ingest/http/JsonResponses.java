package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON bodies and the one error shape: {@code {"error": {"code", "message"}}}. */
public final class JsonResponses {

    private static final Logger log = LoggerFactory.getLogger(JsonResponses.class);

    private JsonResponses() {
    }

    public static void send(RoutingContext ctx, int status, JsonObject body) {
        send(ctx.response(), status, body);
    }

    public static void send(HttpServerResponse response, int status, JsonObject body) {
        send(response, status, body.toBuffer());
    }

    /** Sends JSON that is already encoded, e.g. a body passed through from another service unchanged. */
    public static void send(RoutingContext ctx, int status, Buffer json) {
        send(ctx.response(), status, json);
    }

    private static void send(HttpServerResponse response, int status, Buffer json) {
        if (response.headWritten() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
    }

    public static JsonObject errorBody(String code, String message) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
    }

    /** Answers with the error's status and code; anything but an {@link ApiException} is a 500. */
    public static void fail(RoutingContext ctx, Throwable error) {
        if (error instanceof ApiException api) {
            if (api.retryAfterSeconds() > 0 && !ctx.response().headWritten() && !ctx.response().closed()) {
                ctx.response().putHeader("Retry-After", Integer.toString(api.retryAfterSeconds()));
            }
            send(ctx, api.status(), errorBody(api.code(), api.getMessage()));
            return;
        }
        log.error("Unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), error);
        send(ctx, 500, errorBody("internal_error", "the gateway failed to handle this request"));
    }
}
