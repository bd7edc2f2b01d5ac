package dev.parley.postprocess.extract;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** A {@link Summarizer} that asks an OpenAI-compatible chat-completions server to write the summary. */
public final class LlmSummarizer implements Summarizer {

    static final String SYSTEM_PROMPT = "You keep the running summary of a chat between a user and an assistant. "
            + "Merge the previous summary with the new turns. Keep what the user said about themselves, decisions, "
            + "open questions and anything the assistant promised to do; drop greetings and pleasantries. "
            + "Reply with the summary text only.";

    private final String model;
    private final ChatCompletions server;

    /**
     * @param baseUrl the URL {@code /chat/completions} is appended to, as for PARLEY_LLM_URL (e.g. {@code http://localhost:11434/v1})
     * @param apiKey  sent as {@code Authorization: Bearer <apiKey>}; null or blank sends no header
     * @param timeout for connecting and for the whole request
     */
    public LlmSummarizer(URI baseUrl, String model, String apiKey, Duration timeout) {
        this.model = model;
        this.server = new ChatCompletions(baseUrl, model, apiKey, timeout, "summarizer " + id(),
                SummarizerException::new);
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
        String content = server.complete(server.request(SYSTEM_PROMPT, userContent(previousSummary, turns, maxChars),
                null)).content();
        return Text.cap(content.strip(), maxChars);
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
}
