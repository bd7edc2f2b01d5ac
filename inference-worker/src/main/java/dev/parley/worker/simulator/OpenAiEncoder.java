package dev.parley.worker.simulator;

import dev.parley.schemas.openai.OpenAiWire;
import dev.parley.schemas.openai.OpenAiWire.Chunk;
import dev.parley.schemas.openai.OpenAiWire.Completion;
import dev.parley.schemas.openai.OpenAiWire.Delta;
import dev.parley.schemas.openai.OpenAiWire.Usage;

/** A reply as OpenAI chat completions: SSE {@code data:} chunks ending in {@code [DONE]}, shapes from {@link OpenAiWire}. */
final class OpenAiEncoder implements ReplyEncoder {

    /** Says in every reply that it came from the simulator. */
    static final String FINGERPRINT = "parley-simulator";

    private final String id;
    private final ReplyPlan plan;
    private final long created = System.currentTimeMillis() / 1000;

    OpenAiEncoder(String id, ReplyPlan plan) {
        this.id = id;
        this.plan = plan;
    }

    @Override
    public String streamContentType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public String open() {
        return chunk(Delta.assistantRole(), null);
    }

    @Override
    public String token(String token) {
        return chunk(Delta.text(token), null);
    }

    @Override
    public String end(int sent) {
        StringBuilder end = new StringBuilder(chunk(Delta.none(), plan.finishReason()));
        if (plan.includeUsage()) {
            end.append(data(OpenAiWire.encode(Chunk.usage(id, created, LlmSimulator.MODEL, FINGERPRINT,
                Usage.of(plan.promptTokens(), sent, plan.cache().read())))));
        }
        return end.append(data(OpenAiWire.DONE)).toString();
    }

    @Override
    public String streamError(int sent) {
        return data(OpenAiWire.encode(OpenAiWire.Error.of(ReplyEncoder.failure(sent), "server_error", null,
            "simulated_failure")));
    }

    @Override
    public String whole() {
        return OpenAiWire.encode(Completion.of(id, created, LlmSimulator.MODEL, FINGERPRINT, plan.text(),
            plan.finishReason(), Usage.of(plan.promptTokens(), plan.tokens().size(), plan.cache().read())));
    }

    /** A chunk of the one choice; OpenAI sends {@code usage: null} on each when include_usage is set. */
    private String chunk(Delta delta, String finishReason) {
        return data(OpenAiWire.encode(Chunk.of(id, created, LlmSimulator.MODEL, FINGERPRINT, delta, finishReason,
            plan.includeUsage())));
    }

    private static String data(String json) {
        return "data: " + json + "\n\n";
    }
}
