package dev.parley.ingest.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.avro.TokenChunk;
import dev.parley.avro.Usage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Token chunks become token, reset, done, failed and cancelled events")
class ChunkTranslatorTest {

    private static final int PARTITION = 2;

    @Test
    @DisplayName("chunks become tokens and the final chunk becomes done, each with its record's cursor")
    void tokensAndDone() {
        ChunkTranslator translator = new ChunkTranslator(PARTITION, null);

        List<StreamEvent> token = translator.translate(10, chunk("t", 1, 0, "Hi"));
        List<StreamEvent> done = translator.translate(11, finalChunk("t", 1, 1, "stop").setUsage(Usage.newBuilder().setPromptTokens(3).setCompletionTokens(1).build()).build());

        assertEquals(List.of(new StreamEvent("token", new dev.parley.ingest.relay.Cursor(2, 10),
                new JsonObject().put("turnId", "t").put("attempt", 1).put("seq", 0).put("stage", "answer").put("text", "Hi"))), token);
        assertEquals("2-11", done.get(0).cursor().toString());
        assertEquals(new JsonObject().put("turnId", "t").put("attempt", 1).put("finishReason", "stop")
                .put("usage", new JsonObject().put("promptTokens", 3).put("completionTokens", 1)), done.get(0).data());
    }

    @Test
    @DisplayName("a chunk's stage reaches the client (reasoning, answer, ...)")
    void stage() {
        ChunkTranslator translator = new ChunkTranslator(PARTITION, null);

        TokenChunk reasoning = TokenChunk.newBuilder(chunk("t", 1, 0, "Let me think")).setStage("reasoning").build();

        assertEquals("reasoning", translator.translate(3, reasoning).get(0).data().getString("stage"));
        assertEquals("answer", translator.translate(4, chunk("t", 1, 1, "Yes")).get(0).data().getString("stage"));
    }

    @Test
    @DisplayName("error and cancelled final chunks become failed and cancelled with the partial text")
    void failedAndCancelled() {
        ChunkTranslator translator = new ChunkTranslator(PARTITION, null);

        StreamEvent failed = translator.translate(5, finalChunk("a", 1, 3, "error").setReason("boom")
                .setPartialText("par").build()).get(0);
        StreamEvent cancelled = translator.translate(6, finalChunk("b", 1, 2, "cancelled").setReason("asked")
                .setPartialText("ha").build()).get(0);

        assertEquals("failed", failed.type());
        assertEquals(new JsonObject().put("turnId", "a").put("reason", "boom").put("partialText", "par"), failed.data());
        assertEquals("cancelled", cancelled.type());
        assertEquals(new JsonObject().put("turnId", "b").put("partialText", "ha"), cancelled.data());
    }

    @Test
    @DisplayName("a higher attempt is announced with reset carrying the cursor before it; lower attempts are dropped")
    void resetAndZombies() {
        ChunkTranslator translator = new ChunkTranslator(PARTITION, null);
        translator.translate(1, chunk("t", 1, 0, "x"));

        List<StreamEvent> retry = translator.translate(7, chunk("t", 2, 0, "y"));
        List<StreamEvent> zombie = translator.translate(8, chunk("t", 1, 1, "z"));

        assertEquals(List.of("reset", "token"), types(retry));
        assertEquals("2-6", retry.get(0).cursor().toString());
        assertEquals(new JsonObject().put("turnId", "t").put("attempt", 2), retry.get(0).data());
        assertEquals(List.of(), zombie);
    }

    @Test
    @DisplayName("a first look at attempt 2 seq 0 resets; joining attempt 2 mid-way does not")
    void resetWhenFirstSeenAtSeqZero() {
        assertEquals(List.of("reset", "token"),
                types(new ChunkTranslator(PARTITION, null).translate(4, chunk("t", 2, 0, "a"))));
        assertEquals(List.of("token"),
                types(new ChunkTranslator(PARTITION, null).translate(4, chunk("t", 2, 3, "a"))));
        assertEquals(List.of("token"),
                types(new ChunkTranslator(PARTITION, null).translate(4, chunk("t", 1, 0, "a"))));
    }

    @Test
    @DisplayName("with a start turn, the session's chunks before that turn's first chunk are skipped")
    void startTurn() {
        ChunkTranslator translator = new ChunkTranslator(PARTITION, "wanted");

        assertEquals(List.of(), translator.translate(1, chunk("earlier", 1, 0, "old")));
        assertEquals(List.of("token"), types(translator.translate(2, chunk("wanted", 1, 0, "new"))));
        assertEquals(List.of("token"), types(translator.translate(3, chunk("later", 1, 0, "next"))));
    }

    private static TokenChunk chunk(String turnId, int attempt, int seq, String text) {
        return TokenChunk.newBuilder().setSessionId("s").setTurnId(turnId).setAttempt(attempt).setSeq(seq)
                .setText(text).build();
    }

    private static TokenChunk.Builder finalChunk(String turnId, int attempt, int seq, String finishReason) {
        return TokenChunk.newBuilder().setSessionId("s").setTurnId(turnId).setAttempt(attempt).setSeq(seq)
                .setText("").setFinal$(true).setFinishReason(finishReason);
    }

    private static List<String> types(List<StreamEvent> events) {
        return events.stream().map(StreamEvent::type).toList();
    }
}
