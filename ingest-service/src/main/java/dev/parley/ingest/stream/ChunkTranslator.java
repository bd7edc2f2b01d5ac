package dev.parley.ingest.stream;

import dev.parley.avro.TokenChunk;
import dev.parley.avro.Usage;
import dev.parley.ingest.relay.Cursor;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one watcher's token chunks into client events ({@code token}, {@code stage} for a staged route's
 * boundary chunks, {@code done}, {@code failed}, {@code cancelled}): announces a regenerated turn with
 * {@code reset}, drops chunks of a fenced (lower) attempt, and with a start turn skips the
 * session's chunks until that turn's first one. One instance per delivery, used by one thread.
 */
public final class ChunkTranslator {

    /** TokenChunk.boundary values (the worker's names). */
    static final String STAGE_START = "stage_start";
    static final String STAGE_END = "stage_end";
    /** Turns whose attempt a watcher remembers; a session has far fewer turns in flight. */
    private static final int REMEMBERED_TURNS = 1_000;

    private final int partition;
    private final String startTurnId;
    private boolean started;
    private final Map<String, Integer> attempts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > REMEMBERED_TURNS;
        }
    };

    /** @param startTurnId deliver from this turn's first chunk on; null to deliver everything */
    public ChunkTranslator(int partition, String startTurnId) {
        this.partition = partition;
        this.startTurnId = startTurnId;
        this.started = startTurnId == null;
    }

    /** The events for the chunk at {@code offset}: none, one, or a reset followed by the chunk's event. */
    public List<StreamEvent> translate(long offset, TokenChunk chunk) {
        String turnId = chunk.getTurnId();
        if (!started) {
            if (!turnId.equals(startTurnId)) {
                return List.of();
            }
            started = true;
        }
        int attempt = chunk.getAttempt();
        Integer seen = attempts.get(turnId);
        if (seen != null && attempt < seen) {
            return List.of(); // a zombie's chunk: a newer attempt has taken over this turn
        }
        List<StreamEvent> events = new ArrayList<>(2);
        boolean newerAttempt = seen != null && attempt > seen;
        boolean restartSeen = seen == null && attempt > 1 && chunk.getSeq() == 0;
        if (newerAttempt || restartSeen) {
            // the cursor before this chunk: resuming from it replays the reset too
            events.add(new StreamEvent("reset", new Cursor(partition, offset - 1),
                    new JsonObject().put("turnId", turnId).put("attempt", attempt)));
        }
        attempts.put(turnId, attempt);
        StreamEvent event = chunkEvent(new Cursor(partition, offset), chunk);
        if (event != null) {
            events.add(event);
        }
        return events;
    }

    /** The chunk's own event; null for a boundary this gateway does not know (it carries no text to lose). */
    private static StreamEvent chunkEvent(Cursor cursor, TokenChunk chunk) {
        String turnId = chunk.getTurnId();
        if (!chunk.getFinal$()) {
            return chunk.getBoundary() != null ? stageEvent(cursor, chunk) : tokenEvent(cursor, chunk);
        }
        String finishReason = chunk.getFinishReason() == null ? "stop" : chunk.getFinishReason();
        if (finishReason.equals("error")) {
            return new StreamEvent("failed", cursor, new JsonObject().put("turnId", turnId)
                    .put("reason", orEmpty(chunk.getReason())).put("partialText", orEmpty(chunk.getPartialText())));
        }
        if (finishReason.equals("cancelled")) {
            return new StreamEvent("cancelled", cursor, new JsonObject().put("turnId", turnId)
                    .put("partialText", orEmpty(chunk.getPartialText())));
        }
        JsonObject done = new JsonObject().put("turnId", turnId).put("attempt", chunk.getAttempt())
                .put("finishReason", finishReason);
        Usage usage = chunk.getUsage();
        if (usage != null) {
            JsonObject counts = new JsonObject().put("promptTokens", usage.getPromptTokens())
                    .put("completionTokens", usage.getCompletionTokens());
            if (usage.getCachedPromptTokens() > 0) {
                counts.put("cachedPromptTokens", usage.getCachedPromptTokens());
            }
            if (usage.getEstimated()) {
                counts.put("estimated", true);
            }
            done.put("usage", counts);
        }
        return new StreamEvent("done", cursor, done);
    }

    private static StreamEvent tokenEvent(Cursor cursor, TokenChunk chunk) {
        JsonObject token = new JsonObject().put("turnId", chunk.getTurnId()).put("attempt", chunk.getAttempt())
                .put("seq", chunk.getSeq()).put("stage", chunk.getStage()).put("text", chunk.getText());
        if (chunk.getConfidence() != null) {
            token.put("confidence", chunk.getConfidence());
        }
        return new StreamEvent("token", cursor, token);
    }

    /** Where a stage of a staged route begins or ends: its own event, so clients never mistake it for text. */
    private static StreamEvent stageEvent(Cursor cursor, TokenChunk chunk) {
        String boundary = switch (chunk.getBoundary()) {
            case STAGE_START -> "start";
            case STAGE_END -> "end";
            default -> null;
        };
        if (boundary == null) {
            return null;
        }
        JsonObject stage = new JsonObject().put("turnId", chunk.getTurnId()).put("attempt", chunk.getAttempt())
                .put("seq", chunk.getSeq()).put("stage", chunk.getStage()).put("boundary", boundary);
        if (chunk.getConfidence() != null) {
            stage.put("confidence", chunk.getConfidence());
        }
        if (chunk.getBackend() != null) {
            stage.put("backend", chunk.getBackend());
        }
        return new StreamEvent("stage", cursor, stage);
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
