package dev.parley.ingest.openai;

import dev.parley.ingest.relay.Cursor;
import dev.parley.ingest.stream.EventSink;
import dev.parley.ingest.stream.StreamEvent;
import dev.parley.schemas.openai.OpenAiWire;
import dev.parley.schemas.openai.OpenAiWire.Chunk;
import dev.parley.schemas.openai.OpenAiWire.Delta;
import dev.parley.schemas.openai.OpenAiWire.Usage;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * One turn's events as OpenAI {@code chat.completion.chunk}s on an SSE response: a first chunk with the role, content
 * deltas, one chunk with {@code finish_reason}, the usage chunk when asked for, then {@code data: [DONE]}.
 *
 * <ul>
 *   <li>Stages: text of the {@code answer} stage streams as {@code content}, a model's {@code reasoning} as
 *       {@code reasoning_content}. A staged route's earlier stages go out as {@code reasoning_content} once the next
 *       stage starts; its last stage is the reply and goes out as {@code content} when the turn is done (the reply
 *       text of a staged route is its last stage's text).</li>
 *   <li>A reset (a regenerated attempt): OpenAI's format cannot take text back, so the new attempt's text is matched
 *       against what was already sent: while it repeats it nothing is sent, and only what goes beyond it is sent. If it
 *       differs, the stream ends with an error chunk (code {@code reply_restarted}) naming the turn, whose final text
 *       the native API has.</li>
 *   <li>A failed or cancelled turn ends with an error chunk ({@code turn_failed}, {@code turn_cancelled}) and no
 *       {@code [DONE]}: it never looks like a clean stop.</li>
 * </ul>
 * Used on the connection's context only.
 */
final class CompletionStream implements EventSink {

    @Override
    public String transport() {
        return EventSink.OPENAI;
    }

    private final HttpServerResponse response;
    private final String turnId;
    private final String id;
    private final long created;
    private final String model;
    private final boolean includeUsage;
    private final Runnable onEnd;

    /** Content sent so far, and the current attempt's content: the latter must repeat the former after a reset. */
    private String sent = "";
    private StringBuilder attempt = new StringBuilder();
    /** A staged route's current stage and its text, held until it is known whether it is the last. */
    private String stage;
    private StringBuilder stageText = new StringBuilder();
    private boolean ended;

    CompletionStream(HttpServerResponse response, String turnId, String id, long created, String model,
                     boolean includeUsage, Runnable onEnd) {
        this.response = response;
        this.turnId = turnId;
        this.id = id;
        this.created = created;
        this.model = model;
        this.includeUsage = includeUsage;
        this.onEnd = onEnd;
    }

    /** Sends the headers and the first chunk (the role): the client sees the reply begin at once. */
    void open() {
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        chunk(Delta.assistantRole(), null);
    }

    /** A comment line that keeps proxies from closing a quiet stream; OpenAI clients skip it. */
    void heartbeat() {
        if (!ended && !response.closed()) {
            response.write(": keep-alive\n\n");
        }
    }

    boolean ended() {
        return ended;
    }

    @Override
    public void send(StreamEvent event) {
        JsonObject data = event.data();
        if (ended || !turnId.equals(data.getString("turnId"))) {
            return; // another turn of the same session
        }
        switch (event.type()) {
            case "token" -> token(data.getString("stage", "answer"), data.getString("text", ""));
            case "stage" -> {
                if ("start".equals(data.getString("boundary"))) {
                    stageStarts(data.getString("stage"));
                }
            }
            case "reset" -> {
                attempt = new StringBuilder();
                stage = null;
                stageText = new StringBuilder();
            }
            case "done" -> done(data);
            case "failed" -> error("turn_failed", "server_error", "turn " + turnId + " failed: "
                    + data.getString("reason", ""));
            case "cancelled" -> error("turn_cancelled", "server_error", "turn " + turnId + " was cancelled");
            default -> {
                // error events come through fail()
            }
        }
    }

    private void token(String tokenStage, String text) {
        if (text.isEmpty()) {
            return;
        }
        if (tokenStage.equals("reasoning")) {
            chunk(Delta.reasoning(text), null);
        } else if (tokenStage.equals("answer")) {
            content(text);
        } else {
            stageText.append(text); // a staged route's stage: sent once it is known whether it is the last
        }
    }

    private void stageStarts(String next) {
        if (stage != null && stageText.length() > 0) {
            chunk(Delta.reasoning(stageText.toString()), null);
        }
        stage = next;
        stageText = new StringBuilder();
    }

    /** Sends what this attempt adds beyond the content already sent; ends the stream if it contradicts it. */
    private void content(String text) {
        attempt.append(text);
        if (attempt.length() <= sent.length()) {
            if (!sent.startsWith(attempt.toString())) {
                restarted();
            }
            return;
        }
        String now = attempt.toString();
        if (!now.startsWith(sent)) {
            restarted();
            return;
        }
        String more = now.substring(sent.length());
        sent = now;
        chunk(Delta.text(more), null);
    }

    private void restarted() {
        error("reply_restarted", "server_error", "turn " + turnId + " was regenerated after text was sent and the "
                + "new reply differs; GET /v1/sessions/{sid}/turns/" + turnId + " has its final text");
    }

    private void done(JsonObject data) {
        if (stage != null) {
            content(stageText.toString());
            stageText = new StringBuilder();
            if (ended) {
                return;
            }
        }
        if (!attempt.toString().equals(sent)) {
            restarted(); // the new attempt ended shorter than what was already sent
            return;
        }
        chunk(Delta.none(), finishReason(data.getString("finishReason")));
        if (includeUsage) {
            JsonObject usage = data.getJsonObject("usage");
            int prompt = usage == null ? 0 : usage.getInteger("promptTokens", 0);
            int completion = usage == null ? 0 : usage.getInteger("completionTokens", 0);
            int cached = usage == null ? 0 : usage.getInteger("cachedPromptTokens", 0);
            response.write(dataLine(OpenAiWire.encode(Chunk.usage(id, created, model, null,
                    Usage.of(prompt, completion, cached)))));
        }
        response.write(dataLine(OpenAiWire.DONE));
        end();
    }

    /** OpenAI's finish reasons pass through; anything else a backend says is a stop. */
    static String finishReason(String reason) {
        return reason == null ? "stop" : switch (reason) {
            case "stop", "length", "content_filter" -> reason;
            case "max_tokens" -> "length";
            default -> "stop";
        };
    }

    @Override
    public boolean writeQueueFull() {
        return response.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable drained) {
        response.drainHandler(ignored -> drained.run());
    }

    @Override
    public void fail(String code, String message, Cursor resumeFrom) {
        error(code, "server_error", message);
    }

    /** An error object as the stream's last data line (the OpenAI SDKs raise it as an APIError), then the end. */
    private void error(String code, String type, String message) {
        if (ended) {
            return;
        }
        response.write(dataLine(OpenAiWire.encode(OpenAiWire.Error.of(message, type, null, code))));
        end();
    }

    private void chunk(Delta delta, String finishReason) {
        response.write(dataLine(OpenAiWire.encode(Chunk.of(id, created, model, null, delta, finishReason,
                includeUsage))));
    }

    private void end() {
        ended = true;
        if (!response.ended() && !response.closed()) {
            response.end();
        }
        onEnd.run();
    }

    private static String dataLine(String data) {
        return "data: " + data + "\n\n";
    }
}
