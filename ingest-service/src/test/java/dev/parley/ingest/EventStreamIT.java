package dev.parley.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.FakeWorker;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.ingest.support.SseClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("Server-Sent Events deliver a session's reply chunks with resume cursors")
@ExtendWith(SharedKafka.Extension.class)
class EventStreamIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static SharedKafka kafka;
    private static Gateway gateway;
    private static FakeWorker worker;
    private final List<SseClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        kafka = SharedKafka.get();
        gateway = Gateway.start(kafka.ingestConfig(Map.of(IngestConfig.SSE_HEARTBEAT_MS, "200")));
        worker = new FakeWorker(kafka.clientConfig());
    }

    @AfterAll
    static void stop() {
        worker.close();
        gateway.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SseClient::close);
    }

    @Test
    @DisplayName("a watcher from now gets token events then done, each with the cursor of its record")
    void streamsTokensThenDone() {
        String sessionId = gateway.api().createSession();
        SseClient sse = open(sessionId, "", Map.of());
        String turnId = gateway.api().submitTurn(sessionId, "hi");

        List<RecordMetadata> written = worker.stream(sessionId, turnId, 1, List.of("Hel", "lo", "!"));

        await().atMost(TIMEOUT).until(() -> sse.hasEvent("done"));
        List<SseClient.Event> events = sse.events();
        assertEquals(List.of("token", "token", "token", "done"), types(events));
        assertEquals(cursors(written), ids(events));
        assertEquals(new JsonObject().put("turnId", turnId).put("attempt", 1).put("seq", 1).put("stage", "answer").put("text", "lo"),
                events.get(1).data());
        assertEquals(new JsonObject().put("turnId", turnId).put("attempt", 1).put("finishReason", "stop")
                .put("usage", new JsonObject().put("promptTokens", 7).put("completionTokens", 3)),
                events.get(3).data());
    }

    @Test
    @DisplayName("a staged reply streams stage events between its tokens; the tokens alone are the reply's text")
    void stagedReply() {
        String sessionId = gateway.api().createSession();
        SseClient sse = open(sessionId, "", Map.of());
        String turnId = gateway.api().submitTurn(sessionId, "think");

        List<RecordMetadata> written = List.of(
                worker.boundary(sessionId, turnId, 1, 0, "quick", "stage_start", 0.5f, "small"),
                worker.stageChunk(sessionId, turnId, 1, 1, "quick", "Guess", 0.5f),
                worker.boundary(sessionId, turnId, 1, 2, "quick", "stage_end", 0.5f, null),
                worker.boundary(sessionId, turnId, 1, 3, "deep", "stage_start", null, "big"),
                worker.stageChunk(sessionId, turnId, 1, 4, "deep", "Answer", null),
                worker.boundary(sessionId, turnId, 1, 5, "deep", "stage_end", null, null),
                worker.done(sessionId, turnId, 1, 6, null));

        await().atMost(TIMEOUT).until(() -> sse.hasEvent("done"));
        List<SseClient.Event> events = sse.events();
        assertEquals(List.of("stage", "token", "stage", "stage", "token", "stage", "done"), types(events));
        assertEquals(cursors(written), ids(events));
        assertEquals(new JsonObject().put("turnId", turnId).put("attempt", 1).put("seq", 0).put("stage", "quick")
                .put("boundary", "start").put("confidence", 0.5).put("backend", "small"), events.get(0).data());
        assertEquals(0.5, events.get(1).data().getDouble("confidence"));
        assertEquals("end", events.get(2).data().getString("boundary"));
        assertEquals("GuessAnswer", String.join("", texts(sse.events("token"))));
    }

    @Test
    @DisplayName("Last-Event-ID of a mid-turn event resumes with exactly the missed chunks, once and in order")
    void resumesWithLastEventId() {
        resumesAfterMidTurnCursor(cursor -> open(cursor.sessionId(), "", Map.of("Last-Event-ID", cursor.id())));
    }

    @Test
    @DisplayName("?after= of a mid-turn event resumes with exactly the missed chunks, once and in order")
    void resumesWithAfterParameter() {
        resumesAfterMidTurnCursor(cursor -> open(cursor.sessionId(), "?after=" + cursor.id(), Map.of()));
    }

    private record SessionCursor(String sessionId, String id) {
    }

    private void resumesAfterMidTurnCursor(java.util.function.Function<SessionCursor, SseClient> resume) {
        String sessionId = gateway.api().createSession();
        String turnId = gateway.api().submitTurn(sessionId, "count");
        List<RecordMetadata> written = worker.stream(sessionId, turnId, 1, List.of("a", "b", "c", "d", "e"));

        SseClient sse = resume.apply(new SessionCursor(sessionId, cursor(written.get(1))));

        await().atMost(TIMEOUT).until(() -> sse.hasEvent("done"));
        List<SseClient.Event> events = sse.events();
        assertEquals(cursors(written.subList(2, 6)), ids(events));
        assertEquals(List.of("c", "d", "e"), texts(sse.events("token")));
    }

    @Test
    @DisplayName("?turnId= opened after the reply started still gets all of it, and nothing of other turns or sessions")
    void turnIdAfterReplyStarted() {
        String sessionId = gateway.api().createSession();
        String otherSession = gateway.api().createSession();
        String earlierTurn = gateway.api().submitTurn(sessionId, "first");
        worker.stream(sessionId, earlierTurn, 1, List.of("old"));
        String turnId = gateway.api().submitTurn(sessionId, "second");
        worker.chunk(sessionId, turnId, 1, 0, "new ");
        worker.chunk(otherSession, gateway.api().submitTurn(otherSession, "x"), 1, 0, "cross-talk");
        worker.chunk(sessionId, turnId, 1, 1, "reply ");

        SseClient sse = open(sessionId, "?turnId=" + turnId, Map.of());
        worker.chunk(sessionId, turnId, 1, 2, "here");
        worker.done(sessionId, turnId, 1, 3, null);

        await().atMost(TIMEOUT).until(() -> sse.hasEvent("done"));
        assertEquals(List.of("token", "token", "token", "done"), types(sse.events()));
        assertEquals(List.of("new ", "reply ", "here"), texts(sse.events("token")));
        sse.events().forEach(event -> assertEquals(turnId, event.data().getString("turnId")));
    }

    @Test
    @DisplayName("two watchers, one joining mid-reply, both get the whole reply without duplicates")
    void twoWatchersGetTheWholeReply() {
        String sessionId = gateway.api().createSession();
        SseClient early = open(sessionId, "", Map.of());
        String turnId = gateway.api().submitTurn(sessionId, "hi");
        for (int seq = 0; seq < 3; seq++) {
            worker.chunk(sessionId, turnId, 1, seq, "t" + seq + " ");
        }
        await().atMost(TIMEOUT).until(() -> early.events("token").size() == 3);

        // joining by turnId seeks the partition back: the early watcher must skip what it already had
        SseClient late = open(sessionId, "?turnId=" + turnId, Map.of());
        worker.chunk(sessionId, turnId, 1, 3, "t3 ");
        worker.chunk(sessionId, turnId, 1, 4, "t4");
        worker.done(sessionId, turnId, 1, 5, null);

        await().atMost(TIMEOUT).until(() -> early.hasEvent("done") && late.hasEvent("done"));
        assertEquals(List.of("t0 ", "t1 ", "t2 ", "t3 ", "t4"), texts(early.events("token")));
        assertEquals(early.events(), late.events());
    }

    @Test
    @DisplayName("a higher attempt is announced with reset and the lower attempt's zombie chunks are dropped")
    void resetAndZombieChunks() {
        String sessionId = gateway.api().createSession();
        SseClient sse = open(sessionId, "", Map.of());
        String turnId = gateway.api().submitTurn(sessionId, "hi");

        worker.chunk(sessionId, turnId, 1, 0, "x");
        worker.chunk(sessionId, turnId, 1, 1, "y");
        RecordMetadata retry = worker.chunk(sessionId, turnId, 2, 0, "Hel");
        worker.chunk(sessionId, turnId, 1, 2, "zombie");
        worker.chunk(sessionId, turnId, 2, 1, "lo");
        worker.done(sessionId, turnId, 2, 2, null);

        await().atMost(TIMEOUT).until(() -> sse.hasEvent("done"));
        assertEquals(List.of("token", "token", "reset", "token", "token", "done"), types(sse.events()));
        SseClient.Event reset = sse.events("reset").get(0);
        assertEquals(new JsonObject().put("turnId", turnId).put("attempt", 2), reset.data());
        assertEquals(retry.partition() + "-" + (retry.offset() - 1), reset.id());
        assertEquals(List.of("x", "y", "Hel", "lo"), texts(sse.events("token")));
        assertEquals(2, sse.events("done").get(0).data().getInteger("attempt"));

        SseClient resumed = open(sessionId, "", Map.of("Last-Event-ID", reset.id()));
        await().atMost(TIMEOUT).until(() -> resumed.hasEvent("done"));
        assertEquals(List.of("reset", "token", "token", "done"), types(resumed.events()));
        assertEquals(List.of("Hel", "lo"), texts(resumed.events("token")));
    }

    @Test
    @DisplayName("done waits for the turn's terminal ledger event: a final chunk alone is not the end")
    void doneWaitsForTheCommit() {
        String sessionId = gateway.api().createSession();
        SseClient sse = open(sessionId, "", Map.of());
        String turnId = gateway.api().submitTurn(sessionId, "hi");
        worker.chunk(sessionId, turnId, 1, 0, "Hel");
        worker.chunk(sessionId, turnId, 1, 1, "lo");
        worker.doneUnrecorded(sessionId, turnId, 1, 2, null);

        await().atMost(TIMEOUT).until(() -> sse.events("token").size() == 2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !sse.hasEvent("done"));

        worker.reply(sessionId, turnId, 1, "Hello");
        await().atMost(TIMEOUT).until(() -> sse.hasEvent("done"));
        assertEquals(List.of("token", "token", "done"), types(sse.events()));
        assertEquals(1, sse.events("done").get(0).data().getInteger("attempt"));
    }

    @Test
    @DisplayName("a final chunk the ledger never recorded (its worker died before the commit) never reaches a "
            + "client: the regenerated attempt follows with reset, and its done is the only one")
    void unrecordedDoneIsNeverSent() {
        String sessionId = gateway.api().createSession();
        SseClient sse = open(sessionId, "", Map.of());
        String turnId = gateway.api().submitTurn(sessionId, "hi");
        worker.chunk(sessionId, turnId, 1, 0, "first ");
        worker.chunk(sessionId, turnId, 1, 1, "try");
        worker.doneUnrecorded(sessionId, turnId, 1, 2, null);
        await().atMost(TIMEOUT).until(() -> sse.events("token").size() == 2);

        worker.chunk(sessionId, turnId, 2, 0, "second ");
        worker.chunk(sessionId, turnId, 2, 1, "try");
        worker.done(sessionId, turnId, 2, 2, null);

        await().atMost(TIMEOUT).until(() -> sse.hasEvent("done"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> sse.events("done").size() == 1);
        assertEquals(List.of("token", "token", "reset", "token", "token", "done"), types(sse.events()));
        assertEquals(2, sse.events("done").get(0).data().getInteger("attempt"));

        // a client resuming from the start of the turn sees the same: attempt 1's final chunk stays unsent
        SseClient resumed = open(sessionId, "?turnId=" + turnId, Map.of());
        await().atMost(TIMEOUT).until(() -> resumed.hasEvent("done"));
        assertEquals(types(sse.events()), types(resumed.events()));
    }

    @Test
    @DisplayName("failed and cancelled endings carry the partial text")
    void failedAndCancelled() {
        String sessionId = gateway.api().createSession();
        SseClient sse = open(sessionId, "", Map.of());
        String failing = gateway.api().submitTurn(sessionId, "one");
        worker.chunk(sessionId, failing, 1, 0, "par");
        worker.failedChunk(sessionId, failing, 1, 1, "backend error", "par");
        String cancelling = gateway.api().submitTurn(sessionId, "two");
        worker.chunk(sessionId, cancelling, 1, 0, "half");
        worker.cancelledChunk(sessionId, cancelling, 1, 1, "half");

        await().atMost(TIMEOUT).until(() -> sse.hasEvent("cancelled"));
        assertEquals(List.of("token", "failed", "token", "cancelled"), types(sse.events()));
        assertEquals(new JsonObject().put("turnId", failing).put("reason", "backend error").put("partialText", "par"),
                sse.events("failed").get(0).data());
        assertEquals(new JsonObject().put("turnId", cancelling).put("partialText", "half"),
                sse.events("cancelled").get(0).data());
    }

    @Test
    @DisplayName("a record that cannot be decoded is counted and skipped; the stream goes on")
    void undecodableRecordIsSkipped() {
        String sessionId = gateway.api().createSession();
        SseClient sse = open(sessionId, "", Map.of());
        String turnId = gateway.api().submitTurn(sessionId, "hi");
        long before = gateway.service().undecodableTokenRecords();

        worker.garbageChunk(sessionId);
        worker.stream(sessionId, turnId, 1, List.of("still ", "here"));

        await().atMost(TIMEOUT).until(() -> sse.hasEvent("done"));
        assertEquals(List.of("still ", "here"), texts(sse.events("token")));
        assertEquals(before + 1, gateway.service().undecodableTokenRecords());
    }

    @Test
    @DisplayName("an idle stream gets heartbeat comments")
    void heartbeats() {
        String sessionId = gateway.api().createSession();
        SseClient sse = open(sessionId, "", Map.of());

        await().atMost(TIMEOUT).until(() -> sse.comments() >= 3); // the connect comment and two heartbeats
        assertEquals(List.of(), sse.events());
    }

    private SseClient open(String sessionId, String query, Map<String, String> headers) {
        SseClient client = SseClient.open(gateway.api().http(),
                gateway.api().uri("/v1/sessions/" + sessionId + "/events" + query), headers);
        clients.add(client);
        assertEquals(200, client.status());
        return client;
    }

    static String cursor(RecordMetadata metadata) {
        return metadata.partition() + "-" + metadata.offset();
    }

    static List<String> cursors(List<RecordMetadata> written) {
        return written.stream().map(EventStreamIT::cursor).toList();
    }

    private static List<String> ids(List<SseClient.Event> events) {
        return events.stream().map(SseClient.Event::id).toList();
    }

    private static List<String> types(List<SseClient.Event> events) {
        return events.stream().map(SseClient.Event::type).toList();
    }

    private static List<String> texts(List<SseClient.Event> tokens) {
        return tokens.stream().map(event -> event.data().getString("text")).toList();
    }
}
