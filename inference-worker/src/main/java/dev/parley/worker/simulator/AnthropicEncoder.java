package dev.parley.worker.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A reply as Anthropic Messages: named SSE events, an optional thinking block at index 0 and the text block after it.
 * Remembers which block is open, so the text block opens on the first token (or at the end of an empty reply).
 */
final class AnthropicEncoder implements ReplyEncoder {

    private final String id;
    private final ReplyPlan plan;
    private boolean thinkingOpen;
    private boolean textOpen;

    AnthropicEncoder(String id, ReplyPlan plan) {
        this.id = id;
        this.plan = plan;
    }

    @Override
    public String streamContentType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public String open() {
        StringBuilder out = new StringBuilder(
            AnthropicJson.event(AnthropicJson.messageStart(id, AnthropicJson.usage(plan, 1))));
        if (plan.thinking().isEmpty()) {
            out.append(openText());
        } else {
            thinkingOpen = true;
            out.append(AnthropicJson.event(AnthropicJson.blockStart(0, AnthropicJson.thinkingBlock("", null))));
        }
        // the real API pings right after the first block starts
        return out.append(AnthropicJson.event(AnthropicJson.ping())).toString();
    }

    @Override
    public String thinking(String word) {
        return AnthropicJson.event(AnthropicJson.blockDelta(0, "thinking_delta", "thinking", word));
    }

    @Override
    public String token(String token) {
        String opening = textOpen ? "" : closeThinking() + openText();
        return opening + AnthropicJson.event(AnthropicJson.blockDelta(textIndex(), "text_delta", "text", token));
    }

    @Override
    public String end(int sent) {
        String opening = textOpen ? "" : closeThinking() + openText();
        return opening
            + AnthropicJson.event(AnthropicJson.blockStop(textIndex()))
            + AnthropicJson.event(AnthropicJson.messageDelta(AnthropicJson.stopReason(plan),
                plan.stopSequence(), plan.thinking().size() + sent))
            + AnthropicJson.event(AnthropicJson.messageStop());
    }

    @Override
    public String streamError(int sent) {
        // what Anthropic sends when it is overloaded mid-stream; a client sees it as a retryable 529
        return AnthropicJson.event(AnthropicJson.error("overloaded_error", "Overloaded"));
    }

    @Override
    public String whole() {
        JsonArray content = new JsonArray();
        if (!plan.thinking().isEmpty()) {
            content.add(AnthropicJson.thinkingBlock(plan.thinkingText(), AnthropicJson.SIGNATURE));
        }
        content.add(AnthropicJson.textBlock(plan.text()));
        return AnthropicJson.message(id, content, AnthropicJson.stopReason(plan), plan.stopSequence(),
            AnthropicJson.usage(plan, plan.thinking().size() + plan.tokens().size())).encode();
    }

    private String closeThinking() {
        if (!thinkingOpen) {
            return "";
        }
        thinkingOpen = false;
        return AnthropicJson.event(AnthropicJson.blockDelta(0, "signature_delta", "signature", AnthropicJson.SIGNATURE))
            + AnthropicJson.event(AnthropicJson.blockStop(0));
    }

    private String openText() {
        textOpen = true;
        return AnthropicJson.event(AnthropicJson.blockStart(textIndex(), AnthropicJson.textBlock("")));
    }

    private int textIndex() {
        return plan.thinking().isEmpty() ? 0 : 1;
    }
}
