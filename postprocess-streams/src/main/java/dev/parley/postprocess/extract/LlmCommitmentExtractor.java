package dev.parley.postprocess.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link CommitmentExtractor} that asks an OpenAI-compatible chat-completions server (temperature 0) for the
 * promises in a reply, as a JSON array of {@code {"text", "due"}}. It reads what the rules miss, at the cost of a
 * model call per reply and answers that a replay need not reproduce; every failure is a
 * {@link CommitmentExtractorException}, for the caller to fall back on the rules.
 */
public final class LlmCommitmentExtractor implements CommitmentExtractor {

    static final String SYSTEM_PROMPT = "You find the promises an assistant made to a user in one reply: things the "
            + "assistant said it will do after this reply (remind, follow up, send, check, get back to them...). "
            + "Leave out offers that wait for the user's yes (\"if you like, I'll...\"), questions, hedged or negated "
            + "statements, and sentences about the reply itself (\"I'll explain below\"). "
            + "Answer with ONLY a JSON array, no other text, one element per promise: "
            + "[{\"text\": \"<the promise sentence exactly as written>\", \"due\": \"<ISO-8601 UTC instant, "
            + "e.g. 2024-03-06T09:00:00Z>\" or null}]. "
            + "Resolve relative times (\"tomorrow at 9am\", \"in 2 hours\", \"by Friday\") against the reply time, "
            + "in UTC; \"due\" is null when no time is stated. Answer [] when there is no promise.";

    private static final Pattern FENCED = Pattern.compile("```[a-zA-Z]*\\s*\\R?(.*?)```", Pattern.DOTALL);

    private final String model;
    private final ChatCompletions server;

    /**
     * @param baseUrl the URL {@code /chat/completions} is appended to, as for PARLEY_LLM_URL (e.g. {@code http://localhost:11434/v1})
     * @param apiKey  sent as {@code Authorization: Bearer <apiKey>}; null or blank sends no header
     * @param timeout for connecting and for the whole request
     */
    public LlmCommitmentExtractor(URI baseUrl, String model, String apiKey, Duration timeout) {
        this.model = model;
        this.server = new ChatCompletions(baseUrl, model, apiKey, timeout, "commitment extractor " + id(),
                CommitmentExtractorException::new);
    }

    @Override
    public String id() {
        return "llm:" + model;
    }

    /**
     * The promises the model finds, in the order it lists them. An entry without text is skipped, text is capped at
     * {@value CommitmentExtractor#MAX_TEXT_CHARS} characters, and a {@code due} that is not an ISO-8601 instant
     * (a date-time without offset is read as UTC) is null. A blank reply is not sent: it has no promises.
     *
     * @throws CommitmentExtractorException when the server fails, times out or answers something other than a JSON
     *                                      array
     */
    @Override
    public List<ExtractedCommitment> extract(String assistantText, long replyTimestampMillis) {
        if (assistantText == null || assistantText.isBlank()) {
            return List.of();
        }
        ChatCompletions.Answer answer = server.complete(server.request(SYSTEM_PROMPT,
                userContent(assistantText, replyTimestampMillis), 0.0));
        JsonNode promises;
        try {
            promises = ChatCompletions.JSON.readTree(unfenced(answer.content()));
        } catch (JsonProcessingException e) {
            throw server.unusable(answer, "not JSON", e);
        }
        if (promises == null || !promises.isArray()) {
            throw server.unusable(answer, "not a JSON array", null);
        }
        List<ExtractedCommitment> commitments = new ArrayList<>();
        for (JsonNode promise : promises) {
            String text = promise.path("text").isTextual() ? Text.normalize(promise.path("text").asText()).strip() : "";
            if (!text.isEmpty()) {
                commitments.add(new ExtractedCommitment(Text.cap(text, MAX_TEXT_CHARS), due(promise.path("due"))));
            }
        }
        return List.copyOf(commitments);
    }

    static String userContent(String assistantText, long replyTimestampMillis) {
        Instant at = Instant.ofEpochMilli(replyTimestampMillis);
        return "Reply time: " + at + " (" + at.atZone(ZoneOffset.UTC).getDayOfWeek() + ", UTC)\n\n"
                + "Assistant reply:\n" + assistantText.strip();
    }

    /** The JSON inside a ```json fenced block when the model wrapped its answer in one, else the whole answer. */
    static String unfenced(String content) {
        Matcher fenced = FENCED.matcher(content);
        return fenced.find() ? fenced.group(1).strip() : content.strip();
    }

    private static Long due(JsonNode due) {
        if (!due.isTextual()) {
            return null;
        }
        String value = due.asText().strip();
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException notADateTime) {
                return null;
            }
        }
    }
}
