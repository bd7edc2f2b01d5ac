package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.ledger.TurnOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A validated turn: text within the size limit, an optional clientTurnId, route, spotlight flag and generation
 * settings.
 */
public record TurnRequest(String text, String clientTurnId, TurnOptions options) {

    /** Longest clientTurnId accepted: it is an idempotency key, not content. */
    static final int MAX_CLIENT_TURN_ID_LENGTH = 256;
    /**
     * A route is a catalogue name, not content: short and safe to log and to put in a metric label. The gateway
     * does not know the catalogue; a well-formed name the worker does not know is the worker's to answer.
     */
    static final Pattern ROUTE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public TurnRequest(String text, String clientTurnId) {
        this(text, clientTurnId, TurnOptions.NONE);
    }

    /** Parses a request body; throws 400 invalid_json, 400 missing_text, 400 bad_request or 413 turn_too_large. */
    public static TurnRequest parse(Buffer body, int maxTurnBytes) {
        return fromJson(jsonObject(body, "a JSON object with a text field"), maxTurnBytes);
    }

    /** A request body that must be a JSON object ({@code shape} says which); 400 invalid_json otherwise. */
    static JsonObject jsonObject(Buffer body, String shape) {
        if (body == null || body.length() == 0) {
            throw ApiException.badRequest("invalid_json", "the body must be " + shape);
        }
        Object json;
        try {
            json = Json.decodeValue(body);
        } catch (DecodeException e) {
            throw ApiException.badRequest("invalid_json", "the body is not valid JSON" + JsonSyntax.where(e));
        }
        if (!(json instanceof JsonObject object)) {
            throw ApiException.badRequest("invalid_json", "the body must be " + shape);
        }
        return object;
    }

    /** Validates the fields of a turn given as JSON (a POST body or a WebSocket frame). */
    public static TurnRequest fromJson(JsonObject json, int maxTurnBytes) {
        String text = text(json.getValue("text"), "text", maxTurnBytes);
        Object clientTurnId = json.getValue("clientTurnId");
        if (clientTurnId != null && (!(clientTurnId instanceof String id) || id.isEmpty()
                || id.length() > MAX_CLIENT_TURN_ID_LENGTH)) {
            throw ApiException.badRequest("bad_request",
                    "clientTurnId must be a string of 1 to " + MAX_CLIENT_TURN_ID_LENGTH + " characters");
        }
        return new TurnRequest(text, (String) clientTurnId, options(json));
    }

    /**
     * A turn's text, the field {@code name}: 400 missing_text unless a non-blank string, 413 turn_too_large over
     * {@code maxTurnBytes} UTF-8 bytes.
     */
    static String text(Object text, String name, int maxTurnBytes) {
        if (!(text instanceof String string) || string.isBlank()) {
            throw ApiException.badRequest("missing_text", name + " must be a non-empty string");
        }
        return withinLimit(string, name, maxTurnBytes);
    }

    /** {@code value}, the field {@code name}, unless over {@code maxTurnBytes} UTF-8 bytes: 413 turn_too_large. */
    static String withinLimit(String value, String name, int maxTurnBytes) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxTurnBytes) {
            throw new ApiException(413, "turn_too_large",
                    name + " is " + bytes + " UTF-8 bytes; the limit is " + maxTurnBytes);
        }
        return value;
    }

    /** The optional route field (JSON null counts as absent); 400 bad_route unless a route name. */
    static String route(Object route) {
        if (route != null && !(route instanceof String name && ROUTE_NAME.matcher(name).matches())) {
            throw ApiException.badRequest("bad_route",
                    "route must be a string of 1 to 64 characters from A-Z, a-z, 0-9, _ and -");
        }
        return (String) route;
    }

    /** The optional route, spotlight and generation fields; JSON null counts as absent. */
    private static TurnOptions options(JsonObject json) {
        String route = route(json.getValue("route"));
        Object spotlight = json.getValue("spotlight");
        if (spotlight != null && !(spotlight instanceof Boolean)) {
            throw ApiException.badRequest("bad_spotlight", "spotlight must be true or false");
        }
        return new TurnOptions(route, Boolean.TRUE.equals(spotlight), List.of(),
                GenerationField.parse(json.getValue("generation")));
    }
}
