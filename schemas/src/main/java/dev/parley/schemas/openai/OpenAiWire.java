package dev.parley.schemas.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.util.List;

/**
 * OpenAI's chat-completions wire format, in one place for everything in Parley that speaks it: the gateway's
 * {@code /v1/chat/completions} and {@code /v1/models}, the worker's OpenAI-compatible backend and the LLM simulator.
 * Objects are records named like OpenAI's; {@link #encode} writes them in OpenAI's field names and {@code decode*}
 * read them leniently (unknown fields are ignored, as every OpenAI client does).
 *
 * <p>Reference: <a href="https://platform.openai.com/docs/api-reference/chat">the Chat Completions API</a>.
 */
public final class OpenAiWire {

    /** {@code object} of a whole reply. */
    public static final String COMPLETION = "chat.completion";
    /** {@code object} of one streamed chunk. */
    public static final String CHUNK = "chat.completion.chunk";
    /** The data line that ends a stream. */
    public static final String DONE = "[DONE]";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();

    private OpenAiWire() {
    }

    /** A request body: {@code POST /v1/chat/completions}. Fields Parley does not read are not listed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatRequest(
        String model,
        List<Message> messages,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        JsonNode stop,
        String user) {

        /** A streamed request for {@code messages}, asking for the usage chunk at the end. */
        public static ChatRequest streaming(String model, List<Message> messages) {
            return new ChatRequest(model, messages, true, new StreamOptions(true), null, null, null, null, null, null);
        }

        /** A request for the whole reply at once. */
        public static ChatRequest whole(String model, List<Message> messages) {
            return new ChatRequest(model, messages, false, null, null, null, null, null, null, null);
        }

        /**
         * The same request with these sampling settings (null leaves a field out); {@code stop} null or empty sends
         * none, one sequence a string, more an array.
         */
        public ChatRequest withSampling(Integer maxTokens, Double temperature, Double topP, List<String> stop) {
            JsonNode stopNode = null;
            if (stop != null && stop.size() == 1) {
                stopNode = MAPPER.getNodeFactory().textNode(stop.get(0));
            } else if (stop != null && !stop.isEmpty()) {
                stopNode = MAPPER.valueToTree(stop);
            }
            return new ChatRequest(model, messages, stream, streamOptions, maxTokens, maxCompletionTokens, temperature,
                topP, stopNode, user);
        }

        public boolean streamed() {
            return Boolean.TRUE.equals(stream);
        }

        public boolean includeUsage() {
            return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
        }
    }

    public record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {
    }

    /**
     * A message of a request or a reply. {@code content} is a string, or in a request an array of content parts
     * ({@code [{"type":"text","text":...}]}), or null (an assistant message with tool calls only).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Message(String role, JsonNode content,
                          @JsonProperty("reasoning_content") String reasoningContent) {

        public static Message of(String role, String content) {
            return new Message(role, MAPPER.getNodeFactory().textNode(content), null);
        }
    }

    /** The changes one chunk makes to the reply: the role on the first, then text (and a reasoning model's thinking). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content, @JsonProperty("reasoning_content") String reasoningContent) {

        public static Delta assistantRole() {
            return new Delta("assistant", "", null);
        }

        public static Delta text(String text) {
            return new Delta(null, text, null);
        }

        public static Delta reasoning(String text) {
            return new Delta(null, null, text);
        }

        public static Delta none() {
            return new Delta(null, null, null);
        }
    }

    /** A choice of a whole reply; {@code logprobs} is always null here. */
    public record Choice(int index, Message message, JsonNode logprobs,
                         @JsonProperty("finish_reason") String finishReason) {

        public Choice(Message message, String finishReason) {
            this(0, message, NullNode.instance, finishReason);
        }
    }

    /** A choice of a chunk: {@code finish_reason} is null until the last text chunk. */
    public record ChunkChoice(int index, Delta delta, JsonNode logprobs,
                              @JsonProperty("finish_reason") String finishReason) {

        public ChunkChoice(Delta delta, String finishReason) {
            this(0, delta, NullNode.instance, finishReason);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
                        @JsonProperty("completion_tokens") int completionTokens,
                        @JsonProperty("total_tokens") int totalTokens,
                        @JsonProperty("prompt_tokens_details") PromptTokensDetails promptTokensDetails) {

        public Usage(int promptTokens, int completionTokens, int totalTokens) {
            this(promptTokens, completionTokens, totalTokens, null);
        }

        public static Usage of(int promptTokens, int completionTokens) {
            return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
        }

        /** With {@code cachedTokens} of the prompt tokens served from the server's prompt (prefix) cache. */
        public static Usage of(int promptTokens, int completionTokens, int cachedTokens) {
            return new Usage(promptTokens, completionTokens, promptTokens + completionTokens,
                new PromptTokensDetails(cachedTokens));
        }

        /** The prompt tokens served from the prompt cache; 0 when the server did not say. */
        public int cachedTokens() {
            return promptTokensDetails == null || promptTokensDetails.cachedTokens() == null ? 0
                : promptTokensDetails.cachedTokens();
        }
    }

    /** {@code usage.prompt_tokens_details}: of the prompt tokens, those read from the prompt cache. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PromptTokensDetails(@JsonProperty("cached_tokens") Integer cachedTokens) {
    }

    /** A whole reply ({@code object: chat.completion}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Completion(String id, String object, long created, String model,
                             @JsonProperty("system_fingerprint") String systemFingerprint,
                             List<Choice> choices, Usage usage, ErrorDetail error) {

        public static Completion of(String id, long created, String model, String fingerprint, String text,
                                    String finishReason, Usage usage) {
            return new Completion(id, COMPLETION, created, model, fingerprint,
                List.of(new Choice(Message.of("assistant", text), finishReason)), usage, null);
        }
    }

    /**
     * One streamed chunk ({@code object: chat.completion.chunk}). {@code usage} is a JsonNode so that it has three
     * states, as OpenAI sends it: absent (Java null), {@code null} on every chunk but the last when the request set
     * {@code stream_options.include_usage} ({@link NullNode}), and the counts on that last chunk.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Chunk(String id, String object, long created, String model,
                        @JsonProperty("system_fingerprint") String systemFingerprint,
                        List<ChunkChoice> choices, JsonNode usage, ErrorDetail error) {

        /** A chunk of the one choice; {@code usageNull} writes {@code "usage": null} (include_usage was asked). */
        public static Chunk of(String id, long created, String model, String fingerprint, Delta delta,
                               String finishReason, boolean usageNull) {
            return new Chunk(id, CHUNK, created, model, fingerprint, List.of(new ChunkChoice(delta, finishReason)),
                usageNull ? NullNode.instance : null, null);
        }

        /** The last chunk of a stream that asked for usage: no choices, the counts. */
        public static Chunk usage(String id, long created, String model, String fingerprint, Usage usage) {
            return new Chunk(id, CHUNK, created, model, fingerprint, List.of(), MAPPER.valueToTree(usage), null);
        }

        /** The chunk's first choice, or null (a usage chunk). */
        public ChunkChoice choice() {
            return choices == null || choices.isEmpty() ? null : choices.get(0);
        }

        /** The usage counts when this chunk carries them. */
        public Usage usageCounts() {
            return usage == null || !usage.isObject() ? null : MAPPER.convertValue(usage, Usage.class);
        }
    }

    /** {@code GET /v1/models}. */
    public record ModelList(String object, List<Model> data) {

        public static ModelList of(List<Model> models) {
            return new ModelList("list", models);
        }
    }

    public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {

        public static Model of(String id, long created, String ownedBy) {
            return new Model(id, "model", created, ownedBy);
        }
    }

    /** The error body {@code {"error": {message, type, param, code}}}; also sent as a data line mid-stream. */
    public record Error(ErrorDetail error) {

        public static Error of(String message, String type, String param, String code) {
            return new Error(new ErrorDetail(message, type, param, code));
        }
    }

    /** {@code param} and {@code code} are written as null when absent, as OpenAI does. */
    public record ErrorDetail(String message, String type, String param, String code) {
    }

    /** The JSON text of a wire object. */
    public static String encode(Object wire) {
        try {
            return MAPPER.writeValueAsString(wire);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an OpenAI wire object did not encode", e);
        }
    }

    /** The JSON bytes of a wire object. */
    public static byte[] encodeBytes(Object wire) {
        try {
            return MAPPER.writeValueAsBytes(wire);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an OpenAI wire object did not encode", e);
        }
    }

    /**
     * Reads a wire object; throws {@link OpenAiWireException} for text that is not JSON or a field of the wrong type,
     * with Jackson's description of where.
     */
    public static <T> T decode(String json, Class<T> type) {
        return read(() -> MAPPER.readValue(json, type));
    }

    /** Reads a wire object from bytes (a request body). */
    public static <T> T decode(byte[] json, Class<T> type) {
        return read(() -> MAPPER.readValue(json, type));
    }

    private interface Reading<T> {
        T read() throws IOException;
    }

    private static <T> T read(Reading<T> reading) {
        try {
            T value = reading.read();
            if (value == null) {
                throw new OpenAiWireException("expected a JSON object, got null");
            }
            return value;
        } catch (IOException e) {
            throw new OpenAiWireException(e instanceof JsonProcessingException j ? j.getOriginalMessage()
                : e.getMessage(), e);
        }
    }

    /** The text of a message's content: the string, or its text parts joined; null when it has none. */
    public static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw new OpenAiWireException("content must be a string or an array of content parts");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            if (!type.equals("text")) {
                throw new OpenAiWireException("content parts of type '" + type + "' are not supported; only text");
            }
            text.append(part.path("text").asText(""));
        }
        return text.toString();
    }

    /** Unreadable OpenAI JSON. */
    public static final class OpenAiWireException extends RuntimeException {

        public OpenAiWireException(String message) {
            super(message);
        }

        public OpenAiWireException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
