package dev.parley.ingest.http;

import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.ApiException;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.limits.Limits;
import dev.parley.ingest.limits.Permit;
import dev.parley.ingest.personas.Personas;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /v1/sessions}, with an optional body {@code {"persona": name}}. */
final class SessionHandlers {

    private final Sessions sessions;
    private final Personas personas;
    private final Limits limits;

    SessionHandlers(Sessions sessions, Personas personas, Limits limits) {
        this.sessions = sessions;
        this.personas = personas;
        this.limits = limits;
    }

    void create(RoutingContext ctx) {
        Permit permit;
        String persona;
        try {
            persona = persona(ctx.body().buffer());
            permit = limits.of(ctx).reserveSession();
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        Future<String> named = persona == null ? Future.succeededFuture()
                : personas.require(persona).map(found -> persona);
        named.compose(name -> sessions.create(Principals.of(ctx), name))
                .onSuccess(sessionId -> JsonResponses.send(ctx, 201, new JsonObject().put("sessionId", sessionId)))
                .onFailure(error -> {
                    permit.release();
                    JsonResponses.fail(ctx, error);
                });
    }

    /** The persona the body names, or null without a body or a persona field; 400 for anything else. */
    private static String persona(Buffer body) {
        if (body == null || body.length() == 0) {
            return null;
        }
        Object persona = TurnRequest.jsonObject(body, "a JSON object").getValue("persona");
        if (persona != null && !(persona instanceof String)) {
            throw ApiException.badRequest("bad_persona_name", "persona must be a string");
        }
        return persona == null ? null : Personas.requireName((String) persona);
    }
}
