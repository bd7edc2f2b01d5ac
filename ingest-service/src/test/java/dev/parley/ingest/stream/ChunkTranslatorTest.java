package dev.parley.ingest.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.parley.avro.TokenChunk;
import dev.parley.avro.Usage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Token chunks become token, stage, reset, done, failed and cancelled events")
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
    @DisplayName("a token carries its chunk's confidence when it has one, and only then")
    void confidence() {
        ChunkTranslator translator = new ChunkTranslator(PARTITION, null);

        JsonObject quick = translator.translate(1, TokenChunk.newBuilder(chunk("t", 1, 1, "Maybe"))
                .setStage("quick").setConfidence(0.5f).build()).get(0).data();
        JsonObject plain = translator.translate(2, chunk("t", 1, 2, "Yes")).get(0).data();

        assertEquals(new JsonObject().put("turnId", "t").put("attempt", 1).put("seq", 1).put("stage", "quick")
                .put("text", "Maybe").put("confidence", 0.5f), quick);
        assertEquals(0.5, quick.getDouble("confidence"));
        assertFalse(plain.containsKey("confidence"), plain.encode());
    }

    @Test
    @DisplayName("boundary chunks become stage events (start with its backend and confidence, end), never tokens")
    void stageBoundaries() {
        ChunkTranslator translator = new ChunkTranslator(PARTITION, null);

        List<StreamEvent> start = translator.translate(20, boundary("t", 0, "quick", "stage_start")
                .setConfidence(0.5f).setBackend("small-llm").build());
        List<StreamEvent> token = translator.translate(21, TokenChunk.newBuilder(chunk("t", 1, 1, "Fast"))
                .setStage("quick").setConfidence(0.5f).build());
        List<StreamEvent> end = translator.translate(22, boundary("t", 2, "quick", "stage_end").build());
        List<StreamEvent> deep = translator.translate(23, boundary("t", 3, "deep", "stage_start")
                .setBackend("big-llm").build());

        assertEquals(List.of("stage"), types(start));
        assertEquals("2-20", start.get(0).cursor().toString());
        assertEquals(new JsonObject().put("turnId", "t").put("attempt", 1).put("seq", 0).put("stage", "quick")
                .put("boundary", "start").put("confidence", 0.5f).put("backend", "small-llm"), start.get(0).data());
        assertEquals(List.of("token"), types(token));
        assertEquals(new JsonObject().put("turnId", "t").put("attempt", 1).put("seq", 2).put("stage", "quick")
                .put("boundary", "end"), end.get(0).data());
        assertEquals(new JsonObject().put("turnId", "t").put("attempt", 1).put("seq", 3).put("stage", "deep")
                .put("boundary", "start").put("backend", "big-llm"), deep.get(0).data());
    }

    @Test
    @DisplayName("a new attempt's first chunk being a stage start still announces reset first")
    void resetBeforeStageStart() {
        ChunkTranslator translator = new ChunkTranslator(PARTITION, null);
        translator.translate(1, chunk("t", 1, 0, "x"));

        List<StreamEvent> retry = translator.translate(5, TokenChunk.newBuilder(boundary("t", 0, "quick",
                "stage_start").build()).setAttempt(2).build());

        assertEquals(List.of("reset", "stage"), types(retry));
        assertEquals(2, retry.get(1).data().getInteger("attempt"));
    }

    @Test
    @DisplayName("a boundary this gateway does not know gives no event, and is not passed off as a token")
    void unknownBoundary() {
        assertEquals(List.of(), new ChunkTranslator(PARTITION, null)
                .translate(1, boundary("t", 0, "deep", "stage_pause").build()));
    }

    @Test
    @DisplayName("done says the usage was estimated only when it was")
    void estimatedUsage() {
        ChunkTranslator translator = new ChunkTranslator(PARTITION, null);

        JsonObject estimated = translator.translate(1, finalChunk("a", 1, 0, "stop").setUsage(Usage.newBuilder()
                .setPromptTokens(3).setCompletionTokens(4).setEstimated(true).build()).build()).get(0).data();
        JsonObject reported = translator.translate(2, finalChunk("b", 1, 0, "stop").setUsage(Usage.newBuilder()
                .setPromptTokens(3).setCompletionTokens(4).build()).build()).get(0).data();

        assertEquals(new JsonObject().put("promptTokens", 3).put("completionTokens", 4).put("estimated", true),
                estimated.getJsonObject("usage"));
        assertEquals(new JsonObject().put("promptTokens", 3).put("completionTokens", 4),
                reported.getJsonObject("usage"));
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

    private static TokenChunk.Builder boundary(String turnId, int seq, String stage, String boundary) {
        return TokenChunk.newBuilder().setSessionId("s").setTurnId(turnId).setAttempt(1).setSeq(seq)
                .setText("").setStage(stage).setBoundary(boundary);
    }

    private static TokenChunk.Builder finalChunk(String turnId, int attempt, int seq, String finishReason) {
        return TokenChunk.newBuilder().setSessionId("s").setTurnId(turnId).setAttempt(attempt).setSeq(seq)
                .setText("").setFinal$(true).setFinishReason(finishReason);
    }

    private static List<String> types(List<StreamEvent> events) {
        return events.stream().map(StreamEvent::type).toList();
    }
}
