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
 * Turns one watcher's token chunks into client events: announces a regenerated turn with
 * {@code reset}, drops chunks of a fenced (lower) attempt, and with a start turn skips the
 * session's chunks until that turn's first one. One instance per delivery, used by one thread.
 */
public final class ChunkTranslator {

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
        events.add(chunkEvent(new Cursor(partition, offset), chunk));
        return events;
    }

    private static StreamEvent chunkEvent(Cursor cursor, TokenChunk chunk) {
        String turnId = chunk.getTurnId();
        if (!chunk.getFinal$()) {
            return new StreamEvent("token", cursor, new JsonObject().put("turnId", turnId)
                    .put("attempt", chunk.getAttempt()).put("seq", chunk.getSeq()).put("stage", chunk.getStage())
                    .put("text", chunk.getText()));
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
            done.put("usage", new JsonObject().put("promptTokens", usage.getPromptTokens())
                    .put("completionTokens", usage.getCompletionTokens()));
        }
        return new StreamEvent("done", cursor, done);
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
