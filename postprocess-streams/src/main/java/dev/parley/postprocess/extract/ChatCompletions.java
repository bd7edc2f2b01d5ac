package dev.parley.postprocess.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.schemas.openai.OpenAiWire;
import dev.parley.schemas.openai.OpenAiWire.ChatRequest;
import dev.parley.schemas.openai.OpenAiWire.Completion;
import dev.parley.schemas.openai.OpenAiWire.Message;
import dev.parley.schemas.openai.OpenAiWire.OpenAiWireException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One non-streaming chat completion at a time against an OpenAI-compatible server: the HTTP call the LLM-backed
 * summarizer and commitment extractor share, in the OpenAI wire format's one home, {@link OpenAiWire}. Every failure is
 * thrown as the caller's own exception type, with a message that names the caller, the endpoint and the HTTP status
 * when there was one.
 */
final class ChatCompletions {

    /** The status given to failures that got no HTTP answer (timeout, refused connection, interrupt). */
    static final int NO_STATUS = -1;
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int ERROR_BODY_CHARS = 300;

    /** Makes the caller's exception for a failure; {@code cause} may be null. */
    @FunctionalInterface
    interface Failure {
        RuntimeException of(String message, int httpStatus, Throwable cause);
    }

    /** A model's answer and the status it came with, for the caller's own checks of what it says. */
    record Answer(String content, int httpStatus) {
    }

    private final URI endpoint;
    private final String model;
    private final String apiKey;
    private final Duration timeout;
    private final String caller;
    private final Failure failure;
    private final HttpClient http;

    /**
     * @param baseUrl the URL {@code /chat/completions} is appended to, as for PARLEY_LLM_URL (e.g. {@code http://localhost:11434/v1})
     * @param apiKey  sent as {@code Authorization: Bearer <apiKey>}; null or blank sends no header
     * @param timeout for connecting and for the whole request
     * @param caller  starts every failure message, e.g. {@code summarizer llm:llama3.2}
     */
    ChatCompletions(URI baseUrl, String model, String apiKey, Duration timeout, String caller, Failure failure) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(timeout, "timeout");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model is blank");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.endpoint = URI.create(baseUrl.toString().replaceAll("/+$", "") + "/chat/completions");
        this.model = model;
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.timeout = timeout;
        this.caller = Objects.requireNonNull(caller, "caller");
        this.failure = Objects.requireNonNull(failure, "failure");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    URI endpoint() {
        return endpoint;
    }

    /**
     * A non-streaming request for the model with a system and a user message.
     *
     * @param temperature the sampling temperature, or null for the server's default
     */
    ChatRequest request(String systemPrompt, String userContent, Double temperature) {
        return new ChatRequest(model, List.of(Message.of("system", systemPrompt), Message.of("user", userContent)),
                false, null, null, null, temperature, null, null, null);
    }

    /** The answer's {@code choices[0].message.content}, as the model wrote it. */
    Answer complete(ChatRequest request) {
        HttpResponse<String> response = send(OpenAiWire.encode(request));
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw failure.of(caller + " got HTTP " + status + " from " + endpoint + ": "
                    + Text.capWithEllipsis(response.body().strip(), ERROR_BODY_CHARS), status, null);
        }
        return new Answer(content(response.body(), status), status);
    }

    /** The failure for an answer whose content the caller cannot use; quotes the start of the content. */
    RuntimeException unusable(Answer answer, String why, Throwable cause) {
        return failure.of(caller + " got an unusable answer (HTTP " + answer.httpStatus() + ") from " + endpoint
                + ": " + why + ": " + Text.capWithEllipsis(answer.content().strip(), ERROR_BODY_CHARS),
                answer.httpStatus(), cause);
    }

    private HttpResponse<String> send(String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw failure.of(caller + " timed out after " + timeout + " at " + endpoint, NO_STATUS, e);
        } catch (IOException e) {
            throw failure.of(caller + " could not reach " + endpoint + ": " + e, NO_STATUS, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure.of(caller + " was interrupted waiting for " + endpoint, NO_STATUS, e);
        }
    }

    private String content(String responseBody, int status) {
        Completion completion;
        try {
            completion = OpenAiWire.decode(responseBody, Completion.class);
        } catch (OpenAiWireException e) {
            throw failure.of(caller + " got a malformed body (HTTP " + status + ") from " + endpoint
                    + ": not a chat completion: " + e.getMessage(), status, e);
        }
        JsonNode content = completion.choices() == null || completion.choices().isEmpty()
                || completion.choices().get(0).message() == null ? null
                : completion.choices().get(0).message().content();
        if (content == null || !content.isTextual()) {
            throw failure.of(caller + " got a malformed body (HTTP " + status + ") from " + endpoint
                    + ": no choices[0].message.content", status, null);
        }
        return content.asText();
    }
}
