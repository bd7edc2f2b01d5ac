package dev.parley.postprocess.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** A {@link Summarizer} that asks an OpenAI-compatible chat-completions server to write the summary. */
public final class LlmSummarizer implements Summarizer {

    static final String SYSTEM_PROMPT = "You keep the running summary of a chat between a user and an assistant. "
            + "Merge the previous summary with the new turns. Keep what the user said about themselves, decisions, "
            + "open questions and anything the assistant promised to do; drop greetings and pleasantries. "
            + "Reply with the summary text only.";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ERROR_BODY_CHARS = 300;

    private final URI endpoint;
    private final String model;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param baseUrl the URL {@code /chat/completions} is appended to, as for PARLEY_LLM_URL (e.g. {@code http://localhost:11434/v1})
     * @param apiKey  sent as {@code Authorization: Bearer <apiKey>}; null or blank sends no header
     * @param timeout for connecting and for the whole request
     */
    public LlmSummarizer(URI baseUrl, String model, String apiKey, Duration timeout) {
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
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String id() {
        return "llm:" + model;
    }

    @Override
    public String summarize(String previousSummary, List<SummaryTurn> turns, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be at least 1, got " + maxChars);
        }
        HttpResponse<String> response = send(requestBody(previousSummary, turns, maxChars));
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new SummarizerException("summarizer " + id() + " got HTTP " + status + " from " + endpoint + ": "
                    + Text.capWithEllipsis(response.body().strip(), ERROR_BODY_CHARS), status);
        }
        return Text.cap(content(response.body(), status).strip(), maxChars);
    }

    private String requestBody(String previousSummary, List<SummaryTurn> turns, int maxChars) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
        messages.addObject().put("role", "user").put("content", userContent(previousSummary, turns, maxChars));
        body.put("stream", false);
        return body.toString();
    }

    static String userContent(String previousSummary, List<SummaryTurn> turns, int maxChars) {
        StringBuilder content = new StringBuilder("Previous summary:\n");
        content.append(previousSummary == null || previousSummary.isBlank() ? "(none)" : previousSummary.strip());
        content.append("\n\nNew turns:\n");
        for (SummaryTurn turn : turns == null ? List.<SummaryTurn>of() : turns) {
            content.append("User: ").append(turn.userText().strip()).append('\n');
            if (turn.assistantText() != null) {
                content.append("Assistant: ").append(turn.assistantText().strip()).append('\n');
            }
        }
        content.append("\nWrite the updated summary in at most ").append(maxChars).append(" characters.");
        return content.toString();
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
            throw new SummarizerException("summarizer " + id() + " timed out after " + timeout + " at " + endpoint,
                    SummarizerException.NO_STATUS, e);
        } catch (IOException e) {
            throw new SummarizerException("summarizer " + id() + " could not reach " + endpoint + ": " + e,
                    SummarizerException.NO_STATUS, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SummarizerException("summarizer " + id() + " was interrupted waiting for " + endpoint,
                    SummarizerException.NO_STATUS, e);
        }
    }

    private String content(String responseBody, int status) {
        JsonNode root;
        try {
            root = JSON.readTree(responseBody);
        } catch (JsonProcessingException e) {
            throw new SummarizerException("summarizer " + id() + " got a malformed body (HTTP " + status + ") from "
                    + endpoint + ": not JSON", status, e);
        }
        JsonNode content = root == null ? null : root.path("choices").path(0).path("message").path("content");
        if (content == null || !content.isTextual()) {
            throw new SummarizerException("summarizer " + id() + " got a malformed body (HTTP " + status + ") from "
                    + endpoint + ": no choices[0].message.content", status);
        }
        return content.asText();
    }
}
