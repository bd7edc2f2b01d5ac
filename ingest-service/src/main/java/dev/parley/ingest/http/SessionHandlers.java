package dev.parley.ingest.http;

import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.ledger.Sessions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /v1/sessions}. */
final class SessionHandlers {

    private final Sessions sessions;

    SessionHandlers(Sessions sessions) {
        this.sessions = sessions;
    }

    void create(RoutingContext ctx) {
        sessions.create(Principals.of(ctx))
                .onSuccess(sessionId -> JsonResponses.send(ctx, 201, new JsonObject().put("sessionId", sessionId)))
                .onFailure(error -> JsonResponses.fail(ctx, error));
    }
}
