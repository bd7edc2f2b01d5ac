package dev.parley.ingest.http;

import dev.parley.avro.Persona;
import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.personas.Personas;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/** {@code PUT /v1/personas/{name}} and {@code GET /v1/personas/{name}}. */
final class PersonaHandlers {

    private final Personas personas;

    PersonaHandlers(Personas personas) {
        this.personas = personas;
    }

    /** The body limit of a PUT: the largest text with room for JSON escapes (up to six bytes per byte of text). */
    static long bodyLimit() {
        return Personas.MAX_TEXT_BYTES * 6L + 4_096;
    }

    void put(RoutingContext ctx) {
        String name;
        String text;
        try {
            name = Personas.requireName(ctx.pathParam("name"));
            text = text(ctx.body().buffer());
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        personas.put(name, text, Principals.of(ctx))
                .onSuccess(stored -> JsonResponses.send(ctx, stored.created() ? 201 : 200, new JsonObject()
                        .put("name", name).put("version", stored.persona().getVersion())))
                .onFailure(error -> JsonResponses.fail(ctx, error));
    }

    void get(RoutingContext ctx) {
        String name;
        try {
            name = Personas.requireName(ctx.pathParam("name"));
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        personas.require(name)
                .onSuccess(persona -> JsonResponses.send(ctx, 200, json(persona)))
                .onFailure(error -> JsonResponses.fail(ctx, error));
    }

    private static JsonObject json(Persona persona) {
        return new JsonObject().put("name", persona.getName()).put("version", persona.getVersion())
                .put("text", persona.getText()).put("updatedAt", persona.getUpdatedAt().toString());
    }

    /** The body's text: 400 invalid_json or missing_text, 413 persona_too_large. */
    private static String text(Buffer body) {
        Object json;
        try {
            json = body == null || body.length() == 0 ? null : Json.decodeValue(body);
        } catch (DecodeException e) {
            throw ApiException.badRequest("invalid_json", "the body is not valid JSON" + JsonSyntax.where(e));
        }
        if (!(json instanceof JsonObject object)) {
            throw ApiException.badRequest("invalid_json", "the body must be a JSON object with a text field");
        }
        if (!(object.getValue("text") instanceof String text) || text.isBlank()) {
            throw ApiException.badRequest("missing_text", "text must be a non-empty string");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Personas.MAX_TEXT_BYTES) {
            throw new ApiException(413, "persona_too_large",
                    "text is " + bytes + " UTF-8 bytes; the limit is " + Personas.MAX_TEXT_BYTES);
        }
        return text;
    }
}
