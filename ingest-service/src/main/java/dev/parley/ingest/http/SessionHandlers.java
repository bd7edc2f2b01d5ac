package dev.parley.ingest.http;

import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.ApiException;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.limits.Limits;
import dev.parley.ingest.limits.Permit;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /v1/sessions}. */
final class SessionHandlers {

    private final Sessions sessions;
    private final Limits limits;

    SessionHandlers(Sessions sessions, Limits limits) {
        this.sessions = sessions;
        this.limits = limits;
    }

    void create(RoutingContext ctx) {
        Permit permit;
        try {
            permit = limits.of(ctx).reserveSession();
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        sessions.create(Principals.of(ctx))
                .onSuccess(sessionId -> JsonResponses.send(ctx, 201, new JsonObject().put("sessionId", sessionId)))
                .onFailure(error -> {
                    permit.release();
                    JsonResponses.fail(ctx, error);
                });
    }
}
