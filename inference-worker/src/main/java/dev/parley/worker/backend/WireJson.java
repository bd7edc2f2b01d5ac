package dev.parley.worker.backend;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.function.Function;

/** JSON handling shared by the protocols: decoding a chunk (bad JSON is a PROTOCOL failure) and reading error bodies. */
final class WireJson {

    private static final int MAX_QUOTED = 300;

    private WireJson() {
    }

    /**
     * Decodes one JSON object and hands it to the handler; bad JSON or a field of the wrong type becomes a PROTOCOL
     * failure quoting the text, a {@link BackendException} from the handler passes unchanged.
     */
    static void handle(String what, String text, Consumer<JsonObject> handler) {
        handle(what, text, JsonObject::new, handler);
    }

    /** {@link #handle(String, String, Consumer)} with a decoder of one's own, e.g. into a wire record. */
    static <T> void handle(String what, String text, Function<String, T> decoder, Consumer<T> handler) {
        try {
            handler.accept(decoder.apply(text));
        } catch (BackendException e) {
            throw e;
        } catch (RuntimeException e) {
            // DecodeException for bad JSON, ClassCastException or a wire exception for fields of the wrong type
            throw malformed(what, text, e);
        }
    }

    /** The message of an error body, or the body itself (shortened) when it is not one of the known shapes. */
    static String message(Buffer body) {
        try {
            return message(body.toJsonObject());
        } catch (RuntimeException e) {
            String text = body.toString().strip();
            return text.isEmpty() ? "(empty body)" : quote(text);
        }
    }

    /**
     * The message of OpenAI's {@code {"error":{"type","message"}}}, Anthropic's
     * {@code {"type":"error","error":{"type","message"}}} or Ollama's {@code {"error":"..."}}, prefixed with the
     * error type when there is one (e.g. {@code overloaded_error: Overloaded}).
     */
    static String message(JsonObject json) {
        Object error = json.getValue("error");
        if (error instanceof JsonObject object) {
            Object message = object.getValue("message");
            Object type = object.getValue("type");
            return message(type instanceof String name ? name : null,
                message != null ? message.toString() : object.encode());
        }
        if (error instanceof String text) {
            return text;
        }
        Object message = json.getValue("message");
        return message != null ? message.toString() : quote(json.encode());
    }

    /** An error's message prefixed with its type when there is one. */
    static String message(String type, String message) {
        return type != null && !type.isBlank() ? type + ": " + message : message;
    }

    /** The error type of an Anthropic or OpenAI error object, or null. */
    static String type(JsonObject json) {
        Object error = json.getValue("error");
        return error instanceof JsonObject object && object.getValue("type") instanceof String type ? type : null;
    }

    static String quote(String text) {
        return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "...";
    }

    /** A malformed-data failure quoting the offending text. */
    static BackendException malformed(String what, String text, Throwable cause) {
        return new BackendException(FailureKind.PROTOCOL, "malformed " + what + ": " + quote(text), cause);
    }
}
