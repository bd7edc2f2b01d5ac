package dev.parley.ingest.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.avro.ContextMessage;
import dev.parley.avro.GenerationSettings;
import dev.parley.ingest.http.JsonSyntax;
import dev.parley.ingest.ledger.TurnOptions;
import dev.parley.schemas.openai.OpenAiWire;
import dev.parley.schemas.openai.OpenAiWire.ChatRequest;
import dev.parley.schemas.openai.OpenAiWire.Message;
import dev.parley.schemas.openai.OpenAiWire.OpenAiWireException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A validated {@code POST /v1/chat/completions} body: the model, the new turn (the last message, from the user), the
 * messages before it, and how to answer. What Parley supports and refuses is in the README's compatibility table.
 *
 * @param context    the messages before the last one; the turn's context when the request continues no session
 * @param generation {@code max_completion_tokens} (or {@code max_tokens}), {@code temperature}, {@code top_p} and
 *                   {@code stop} as the turn carries them to the backend; null when the request set none of them
 */
public record CompletionRequest(String model, String text, List<ContextMessage> context, boolean stream,
                                boolean includeUsage, GenerationSettings generation) {

    private static final Set<String> CONTEXT_ROLES = Set.of("system", "developer", "user", "assistant");
    private static final int MAX_STOP = TurnOptions.MAX_STOP_SEQUENCES;

    /** Reads a body; throws {@link OpenAiError} 400 for anything OpenAI would refuse, or Parley does not support. */
    static CompletionRequest parse(Buffer body, int maxTurnBytes) {
        if (body == null || body.length() == 0) {
            throw OpenAiError.invalid(null, "the request body must be a JSON object");
        }
        JsonNode json;
        ChatRequest request;
        try {
            json = OpenAiWire.decode(body.getBytes(), JsonNode.class);
            if (!json.isObject()) {
                throw OpenAiError.invalid(null, "the request body must be a JSON object");
            }
            request = OpenAiWire.decode(body.getBytes(), ChatRequest.class);
        } catch (OpenAiWireException e) {
            throw OpenAiError.invalid(null, "We could not parse the JSON body of your request" + JsonSyntax.where(e));
        }
        refuseUnsupported(json);
        if (request.model() == null || request.model().isBlank()) {
            throw OpenAiError.invalid("model", "you must provide a model parameter");
        }
        checkRange(request.maxTokens(), "max_tokens");
        checkRange(request.maxCompletionTokens(), "max_completion_tokens");
        checkBetween(request.temperature(), 0, TurnOptions.MAX_TEMPERATURE, "temperature");
        checkBetween(request.topP(), 0, TurnOptions.MAX_TOP_P, "top_p");
        checkPenalty(json, "presence_penalty");
        checkPenalty(json, "frequency_penalty");
        checkStop(json.get("stop"));
        checkString(json.get("user"), "user");
        List<Message> messages = request.messages();
        if (messages == null || messages.isEmpty()) {
            throw OpenAiError.invalid("messages", "messages must be a non-empty array");
        }
        List<ContextMessage> context = new ArrayList<>();
        for (int i = 0; i < messages.size() - 1; i++) {
            Message message = messages.get(i);
            String role = role(message, i);
            if (!CONTEXT_ROLES.contains(role)) {
                throw OpenAiError.unsupported("messages[" + i + "].role", "messages with role '" + role
                        + "' are not supported; use system, developer, user or assistant");
            }
            String content = content(message, i);
            context.add(new ContextMessage(role, content == null ? "" : content));
        }
        int last = messages.size() - 1;
        if (!"user".equals(role(messages.get(last), last))) {
            throw OpenAiError.invalid("messages", "the last message must be from the user (role user): it is the "
                    + "turn Parley answers");
        }
        String text = content(messages.get(last), last);
        if (text == null || text.isBlank()) {
            throw OpenAiError.invalid("messages[" + last + "].content", "the last message must have text content");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxTurnBytes) {
            throw new OpenAiError(413, OpenAiError.INVALID_REQUEST, "messages", "request_too_large",
                    "the last message is " + bytes + " UTF-8 bytes; the limit is " + maxTurnBytes);
        }
        return new CompletionRequest(request.model(), text, context, request.streamed(),
                request.streamed() && request.includeUsage(), generation(request, json.get("stop")));
    }

    /**
     * The validated settings the backend honours. {@code max_completion_tokens} wins over {@code max_tokens} when both
     * are set: OpenAI deprecated {@code max_tokens} in its favour.
     */
    private static GenerationSettings generation(ChatRequest request, JsonNode stop) {
        Integer maxTokens = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        List<String> sequences = new ArrayList<>();
        if (stop != null && stop.isTextual()) {
            sequences.add(stop.asText());
        } else if (stop != null && stop.isArray()) {
            stop.forEach(sequence -> sequences.add(sequence.asText()));
        }
        return TurnOptions.generation(maxTokens, request.temperature(), request.topP(), sequences);
    }

    /** Fields whose meaning Parley cannot honour: refused rather than silently ignored. */
    private static void refuseUnsupported(JsonNode json) {
        JsonNode n = json.get("n");
        if (n != null && !n.isNull() && !(n.canConvertToInt() && n.asInt() == 1)) {
            throw OpenAiError.unsupported("n", "Parley answers with one choice: n must be 1");
        }
        for (String field : List.of("tools", "functions")) {
            JsonNode value = json.get(field);
            if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())) {
                throw OpenAiError.unsupported(field, field + " are not supported by Parley yet");
            }
        }
        JsonNode audio = json.get("audio");
        if (audio != null && !audio.isNull()) {
            throw OpenAiError.unsupported("audio", "audio output is not supported by Parley");
        }
        JsonNode streamOptions = json.get("stream_options");
        JsonNode stream = json.get("stream");
        if (streamOptions != null && !streamOptions.isNull() && !(stream != null && stream.asBoolean(false))) {
            throw OpenAiError.invalid("stream_options",
                    "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
        }
    }

    private static String role(Message message, int index) {
        if (message == null || message.role() == null || message.role().isBlank()) {
            throw OpenAiError.invalid("messages[" + index + "].role", "every message needs a role");
        }
        return message.role();
    }

    private static String content(Message message, int index) {
        try {
            return OpenAiWire.text(message.content());
        } catch (OpenAiWireException e) {
            throw OpenAiError.unsupported("messages[" + index + "].content", e.getMessage());
        }
    }

    private static void checkRange(Integer value, String param) {
        if (value != null && value < 1) {
            throw OpenAiError.invalid(param, param + " must be at least 1");
        }
    }

    /** {@code stop}: null, a string, or an array of up to {@value #MAX_STOP} strings, as OpenAI accepts it. */
    private static void checkStop(JsonNode stop) {
        if (stop == null || stop.isNull() || stop.isTextual()) {
            return;
        }
        if (!stop.isArray()) {
            throw OpenAiError.invalid("stop", "Invalid type for 'stop': expected a string or an array of strings");
        }
        if (stop.size() > MAX_STOP) {
            throw OpenAiError.invalid("stop", "'stop' has " + stop.size() + " sequences; at most " + MAX_STOP);
        }
        for (JsonNode sequence : stop) {
            if (!sequence.isTextual()) {
                throw OpenAiError.invalid("stop", "Invalid type for 'stop': expected a string or an array of strings");
            }
        }
    }

    /** A field OpenAI reads as a string (Jackson would quietly turn a number into one). */
    private static void checkString(JsonNode value, String param) {
        if (value != null && !value.isNull() && !value.isTextual()) {
            throw OpenAiError.invalid(param, "Invalid type for '" + param + "': expected a string");
        }
    }

    /** {@code presence_penalty} and {@code frequency_penalty}: numbers from -2 to 2. */
    private static void checkPenalty(JsonNode json, String param) {
        JsonNode value = json.get(param);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw OpenAiError.invalid(param, "Invalid type for '" + param + "': expected a number");
        }
        if (value.asDouble() < -2 || value.asDouble() > 2) {
            throw OpenAiError.invalid(param, param + " must be between -2 and 2");
        }
    }

    private static void checkBetween(Double value, double min, double max, String param) {
        if (value != null && (value < min || value > max)) {
            throw OpenAiError.invalid(param, param + " must be between " + (int) min + " and " + (int) max);
        }
    }
}
