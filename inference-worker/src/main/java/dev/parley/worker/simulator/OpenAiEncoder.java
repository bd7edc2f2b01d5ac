package dev.parley.worker.simulator;

import io.vertx.core.json.JsonObject;

/** A reply as OpenAI chat completions: SSE {@code data:} chunks ending in {@code [DONE]}, shapes from {@link OpenAiJson}. */
final class OpenAiEncoder implements ReplyEncoder {

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
        return data(OpenAiJson.chunk(id, created, new JsonObject().put("role", "assistant").put("content", ""), null,
            plan.includeUsage()));
    }

    @Override
    public String token(String token) {
        return data(OpenAiJson.chunk(id, created, new JsonObject().put("content", token), null, plan.includeUsage()));
    }

    @Override
    public String end(int sent) {
        StringBuilder end = new StringBuilder();
        end.append(data(OpenAiJson.chunk(id, created, new JsonObject(), plan.finishReason(), plan.includeUsage())));
        if (plan.includeUsage()) {
            end.append(data(OpenAiJson.usageChunk(id, created, plan.promptTokens(), sent)));
        }
        return end.append("data: [DONE]\n\n").toString();
    }

    @Override
    public String streamError(int sent) {
        return data(OpenAiJson.error(ReplyEncoder.failure(sent), "server_error", null, "simulated_failure"));
    }

    @Override
    public JsonObject whole() {
        return OpenAiJson.completion(id, created, plan.text(), plan.finishReason(), plan.promptTokens(),
            plan.tokens().size());
    }

    private static String data(JsonObject json) {
        return "data: " + json.encode() + "\n\n";
    }
}
