package dev.parley.worker.simulator;

import io.vertx.core.json.JsonObject;

/** A reply in Ollama's native protocol: one JSON object per line, the last one {@code done} with its statistics. */
final class OllamaEncoder implements ReplyEncoder {

    private final ReplyPlan plan;
    private final long startNanos = System.nanoTime();

    OllamaEncoder(ReplyPlan plan) {
        this.plan = plan;
    }

    @Override
    public String streamContentType() {
        return "application/x-ndjson";
    }

    @Override
    public String open() {
        // Ollama has no preamble: the first line already carries the first token
        return "";
    }

    @Override
    public String token(String token) {
        return line(OllamaJson.message(token, false));
    }

    @Override
    public String end(int sent) {
        return line(done("", sent));
    }

    @Override
    public String streamError(int sent) {
        // Ollama reports a failure mid-stream as an {"error"} line in place of the next object
        return line(OllamaJson.error(ReplyEncoder.failure(sent)));
    }

    @Override
    public String whole() {
        return done(plan.text(), plan.tokens().size()).encode();
    }

    private JsonObject done(String content, int sent) {
        return OllamaJson.withStats(OllamaJson.message(content, true), plan.finishReason(), plan.promptTokens(), sent,
            plan.ttftMs() * 1_000_000, System.nanoTime() - startNanos);
    }

    private static String line(JsonObject json) {
        return json.encode() + "\n";
    }
}
