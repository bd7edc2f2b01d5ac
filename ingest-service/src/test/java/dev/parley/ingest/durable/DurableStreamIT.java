package dev.parley.ingest.durable;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.FakeWorker;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("Durable Streams reads of a session's and a turn's events follow the protocol")
@ExtendWith(SharedKafka.Extension.class)
class DurableStreamIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static SharedKafka kafka;
    private static Gateway gateway;
    private static FakeWorker worker;

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

    @Test
    @DisplayName("a catch-up read from -1 answers the session's events as a JSON array, up to date, at its tail")
    void catchUpFromStart() {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "hi");
        List<RecordMetadata> written = worker.stream(sessionId, turnId, 1, List.of("Hel", "lo"));

        Api.Response read = api().get(sessionStream(sessionId) + "?offset=-1");

        assertEquals(200, read.status(), read.body());
        assertEquals("application/json", read.header("Content-Type"));
        JsonArray events = read.jsonArray();
        assertEquals(List.of("token", "token", "done"), types(events));
        assertEquals(new JsonObject().put("type", "token").put("turnId", turnId).put("attempt", 1).put("seq", 1)
                .put("stage", "answer").put("text", "lo").put("cursor", cursorOf(written.get(1))),
                events.getJsonObject(1));
        assertEquals(after(last(written)), read.header("Stream-Next-Offset"));
        assertEquals("true", read.header("Stream-Up-To-Date"));
        assertNull(read.header("Stream-Closed"), "a session stream never closes");
        assertEquals("nosniff", read.header("X-Content-Type-Options"));
        assertEquals(read.body(), api().get(sessionStream(sessionId)).body(), "no offset means -1");
    }

    @Test
    @DisplayName("a read from a returned offset continues exactly after the last event returned: no gap, no duplicate")
    void resumeWithoutGapOrDuplicate() {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "hi");
        List<RecordMetadata> first = List.of(worker.chunk(sessionId, turnId, 1, 0, "a"),
                worker.chunk(sessionId, turnId, 1, 1, "b"));
        Api.Response one = api().get(sessionStream(sessionId) + "?offset=-1");
        assertEquals(after(last(first)), one.header("Stream-Next-Offset"));

        worker.chunk(sessionId, turnId, 1, 2, "c");
        RecordMetadata done = worker.done(sessionId, turnId, 1, 3, null);
        Api.Response two = api().get(sessionStream(sessionId) + "?offset=" + one.header("Stream-Next-Offset"));
        assertEquals(200, two.status(), two.body());
        assertEquals(List.of("a", "b", "c"), texts(one.jsonArray(), two.jsonArray()));
        assertEquals(List.of("token", "done"), types(two.jsonArray()));
        assertEquals(after(done), two.header("Stream-Next-Offset"));

        Api.Response three = api().get(sessionStream(sessionId) + "?offset=" + two.header("Stream-Next-Offset"));
        assertEquals("[]", three.body(), "at the tail a catch-up read is empty");
        assertEquals(two.header("Stream-Next-Offset"), three.header("Stream-Next-Offset"));
        assertEquals("true", three.header("Stream-Up-To-Date"));
    }

    @Test
    @DisplayName("the tail of a session stream is its own last record, not the end of the partition it shares")
    void sessionTailIsItsOwnLastRecord() throws Exception {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "hi");
        RecordMetadata own = last(worker.stream(sessionId, turnId, 1, List.of("mine")));
        RecordMetadata others = samePartitionWrites(own.partition(), 3);
        assertTrue(others.offset() > own.offset());

        assertEquals(after(own), api().get(sessionStream(sessionId) + "?offset=-1").header("Stream-Next-Offset"));
        assertEquals(after(own), api().get(sessionStream(sessionId) + "?offset=now").header("Stream-Next-Offset"));
        assertEquals(after(own), head(sessionStream(sessionId)).header("Stream-Next-Offset"));
    }

    @Test
    @DisplayName("offset=now answers [] at the tail with no ETag and no-store, and a read from there gets what follows")
    void readFromNow() {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "hi");
        RecordMetadata old = worker.chunk(sessionId, turnId, 1, 0, "old");

        Api.Response now = api().get(sessionStream(sessionId) + "?offset=now");
        assertEquals(200, now.status());
        assertEquals("[]", now.body());
        assertEquals(after(old), now.header("Stream-Next-Offset"));
        assertEquals("true", now.header("Stream-Up-To-Date"));
        assertEquals("no-store", now.header("Cache-Control"));
        assertNull(now.header("ETag"));

        worker.chunk(sessionId, turnId, 1, 1, "new");
        Api.Response next = api().get(sessionStream(sessionId) + "?offset=" + now.header("Stream-Next-Offset"));
        assertEquals(List.of("new"), texts(next.jsonArray()));
    }

    @Test
    @DisplayName("a long-poll at the tail answers 204 with the same offset when nothing comes within its timeout")
    void longPollTimesOut() {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "hi");
        RecordMetadata chunk = worker.chunk(sessionId, turnId, 1, 0, "x");

        Api.Response poll = api().get(sessionStream(sessionId) + "?offset=" + after(chunk)
                + "&live=long-poll&timeout=1");

        assertEquals(204, poll.status());
        assertEquals(after(chunk), poll.header("Stream-Next-Offset"));
        assertEquals("true", poll.header("Stream-Up-To-Date"));
        assertNotNull(poll.header("Stream-Cursor"));
        assertNull(poll.header("Stream-Closed"));
    }

    @Test
    @DisplayName("a waiting long-poll wakes up with the new events, and a long-poll behind the tail answers at once")
    void longPollWakesUp() throws Exception {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "hi");
        Api.Response now = api().get(sessionStream(sessionId) + "?offset=now");
        CompletableFuture<Api.Response> poll = api().getAsync(sessionStream(sessionId) + "?offset="
                + now.header("Stream-Next-Offset") + "&live=long-poll&cursor=1");
        TimeUnit.MILLISECONDS.sleep(300); // not an outcome: gives the poll time to start waiting (it works either way)

        RecordMetadata chunk = worker.chunk(sessionId, turnId, 1, 0, "woke");

        Api.Response answer = poll.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, answer.status(), answer.body());
        assertEquals(List.of("woke"), texts(answer.jsonArray()));
        assertEquals(after(chunk), answer.header("Stream-Next-Offset"));
        assertTrue(Long.parseLong(answer.header("Stream-Cursor")) > 1, "the cursor moves past the echoed one");
        assertNotNull(answer.header("ETag"));

        Api.Response behind = api().get(sessionStream(sessionId) + "?offset=" + now.header("Stream-Next-Offset")
                + "&live=long-poll");
        assertEquals(200, behind.status());
        assertEquals(List.of("woke"), texts(behind.jsonArray()));
    }

    @Test
    @DisplayName("a turn's stream has only that turn's events and closes at its terminal event")
    void closedTurnStream() throws Exception {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "first");
        RecordMetadata done = last(worker.stream(sessionId, turnId, 1, List.of("one", "two")));
        String nextTurn = api().submitTurn(sessionId, "second");
        worker.stream(sessionId, nextTurn, 1, List.of("other"));

        Api.Response read = api().get(turnStream(sessionId, turnId) + "?offset=-1");
        assertEquals(List.of("token", "token", "done"), types(read.jsonArray()));
        assertEquals(after(done), read.header("Stream-Next-Offset"));
        assertEquals("true", read.header("Stream-Closed"));
        assertTrue(read.header("ETag").endsWith(":c\""), read.header("ETag"));

        Api.Response eof = api().get(turnStream(sessionId, turnId) + "?offset=" + after(done));
        assertEquals("[]", eof.body());
        assertEquals("true", eof.header("Stream-Closed"));
        Api.Response poll = api().get(turnStream(sessionId, turnId) + "?offset=" + after(done) + "&live=long-poll");
        assertEquals(204, poll.status(), "a closed stream's long-poll does not wait");
        assertEquals("true", poll.header("Stream-Closed"));
        assertEquals("true", head(turnStream(sessionId, turnId)).header("Stream-Closed"));
    }

    @Test
    @DisplayName("SSE sends each batch as an event: data JSON array followed by its event: control, then closes")
    void sseLiveTail() throws Exception {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "hi");
        RecordMetadata first = worker.chunk(sessionId, turnId, 1, 0, "He");
        HttpRequest request = HttpRequest.newBuilder(api().uri(turnStream(sessionId, turnId) + "?offset=-1&live=sse"))
                .timeout(TIMEOUT).build();
        List<String> lines = new ArrayList<>();
        CompletableFuture<HttpResponse<Void>> sse = api().http().sendAsync(request,
                HttpResponse.BodyHandlers.fromLineSubscriber(new LineCollector(lines)));
        await().atMost(TIMEOUT).until(() -> snapshot(lines).stream()
                .anyMatch(line -> line.startsWith("data: {\"streamNextOffset\":\"" + after(first) + "\"")));

        RecordMetadata done = worker.done(sessionId, turnId, 1, 1, null);

        HttpResponse<Void> response = sse.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS); // the server ends it
        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse(null));
        List<String> frames = withoutComments(snapshot(lines));
        assertEquals(List.of("event: data", "data: [", "data: " + tokenFrame(turnId, first, "He"), "data: ]", ""),
                frames.subList(0, 5));
        assertEquals("event: control", frames.get(5));
        assertTrue(new JsonObject(frames.get(6).substring(6)).getBoolean("upToDate"));
        assertEquals(List.of("event: data", "data: ["), frames.subList(8, 10));
        assertEquals("done", new JsonObject(frames.get(10).substring(6)).getString("type"));
        assertEquals("event: control", frames.get(13));
        assertEquals(new JsonObject().put("streamNextOffset", after(done)).put("streamClosed", true)
                .put("upToDate", true), new JsonObject(frames.get(14).substring(6)));
    }

    @Test
    @DisplayName("If-None-Match with the ETag of the same read answers 304; the ETag changes when the stream grows")
    void etagAndNotModified() {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "hi");
        worker.chunk(sessionId, turnId, 1, 0, "a");
        Api.Response read = api().get(sessionStream(sessionId) + "?offset=-1");
        String etag = read.header("ETag");

        Api.Response again = api().get(sessionStream(sessionId) + "?offset=-1", Map.of("If-None-Match", etag));
        assertEquals(304, again.status());
        assertEquals("", again.body());
        assertEquals(etag, again.header("ETag"));

        worker.chunk(sessionId, turnId, 1, 1, "b");
        Api.Response grown = api().get(sessionStream(sessionId) + "?offset=-1", Map.of("If-None-Match", etag));
        assertEquals(200, grown.status());
        assertFalse(etag.equals(grown.header("ETag")));
    }

    @Test
    @DisplayName("bad offsets get 400, unknown streams 404, writes 405, each with a JSON error")
    void errors() throws Exception {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "hi");
        String stream = sessionStream(sessionId);
        for (String query : List.of("?offset=12", "?offset=0,1", "?offset=", "?offset=a&offset=b", "?live=sse",
                "?live=long-poll", "?offset=-1&live=push", "?offset=9999999999_0000000000000000000",
                "?offset=" + offset(otherPartition(sessionId), 0))) {
            Api.Response bad = api().get(stream + query);
            assertEquals(400, bad.status(), query);
            assertEquals("nosniff", bad.header("X-Content-Type-Options"));
        }
        assertEquals("bad_offset", api().get(stream + "?offset=12").errorCode());
        String beyond = offset(partitionOf(sessionId), Long.MAX_VALUE / 2);
        assertEquals(400, api().get(stream + "?offset=" + beyond).status(), "an offset beyond the partition");

        String unknownSession = "0190a000-0000-7000-8000-000000000000";
        assertEquals("unknown_session", api().get(sessionStream(unknownSession)).errorCode());
        assertEquals(404, head(sessionStream(unknownSession)).status());
        assertEquals("unknown_turn", api().get(turnStream(sessionId, "0190a000-0000-7000-8000-000000000001"))
                .errorCode());
        assertEquals(404, api().get(turnStream(sessionId, "not-a-turn") + "?offset=now").status());

        for (String method : List.of("PUT", "POST", "DELETE")) {
            Api.Response write = send(HttpRequest.newBuilder(api().uri(stream)).method(method,
                    HttpRequest.BodyPublishers.ofString("[{\"x\":1}]")).header("Content-Type", "application/json"));
            assertEquals(405, write.status(), method);
            assertEquals("method_not_allowed", write.errorCode());
            assertEquals("GET, HEAD", write.header("Allow"));
        }
    }

    @Test
    @DisplayName("an offset that retention dropped answers 410; -1 still reads what is retained")
    void expiredOffset() throws Exception {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "hi");
        RecordMetadata gone = worker.chunk(sessionId, turnId, 1, 0, "gone");
        RecordMetadata kept = worker.chunk(sessionId, turnId, 1, 1, "kept");
        String beforeGone = offset(gone.partition(), gone.offset());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(Topics.TOKENS.name(), kept.partition()),
                    RecordsToDelete.beforeOffset(kept.offset()))).all().get(10, TimeUnit.SECONDS);
        }

        Api.Response expired = api().get(sessionStream(sessionId) + "?offset=" + beforeGone);
        assertEquals(410, expired.status(), expired.body());
        assertEquals("offset_expired", expired.errorCode());
        assertEquals(List.of("kept"), texts(api().get(sessionStream(sessionId) + "?offset=-1").jsonArray()));
    }

    @Test
    @DisplayName("HEAD answers the stream's tail offset and content type without a body, not cacheable")
    void headAnswersState() throws Exception {
        String sessionId = api().createSession();
        String turnId = api().submitTurn(sessionId, "hi");
        RecordMetadata chunk = worker.chunk(sessionId, turnId, 1, 0, "x");

        Api.Response session = head(sessionStream(sessionId));
        assertEquals(200, session.status());
        assertEquals("", session.body());
        assertEquals(after(chunk), session.header("Stream-Next-Offset"));
        assertEquals("application/json", session.header("Content-Type"));
        assertEquals("no-store", session.header("Cache-Control"));
        Api.Response turn = head(turnStream(sessionId, turnId));
        assertEquals(after(chunk), turn.header("Stream-Next-Offset"));
        assertNull(turn.header("Stream-Closed"), "the turn is still running");
    }

    // --- helpers

    private static Api api() {
        return gateway.api();
    }

    private static String sessionStream(String sessionId) {
        return "/v1/sessions/" + sessionId + "/stream";
    }

    private static String turnStream(String sessionId, String turnId) {
        return "/v1/sessions/" + sessionId + "/turns/" + turnId + "/stream";
    }

    private static String offset(int partition, long nextOffset) {
        return String.format("%010d_%019d", partition, nextOffset);
    }

    /** The offset after a record: where a reader that has it continues. */
    private static String after(RecordMetadata record) {
        return offset(record.partition(), record.offset() + 1);
    }

    private static String cursorOf(RecordMetadata record) {
        return record.partition() + "-" + record.offset();
    }

    private static RecordMetadata last(List<RecordMetadata> written) {
        return written.get(written.size() - 1);
    }

    private static List<String> types(JsonArray events) {
        return events.stream().map(event -> ((JsonObject) event).getString("type")).toList();
    }

    private static List<String> texts(JsonArray... reads) {
        List<String> texts = new ArrayList<>();
        for (JsonArray events : reads) {
            events.stream().map(JsonObject.class::cast).filter(event -> event.getString("type").equals("token"))
                    .forEach(event -> texts.add(event.getString("text")));
        }
        return texts;
    }

    private static String tokenFrame(String turnId, RecordMetadata record, String text) {
        return new JsonObject().put("type", "token").put("turnId", turnId).put("attempt", 1).put("seq", 0)
                .put("stage", "answer").put("text", text).put("cursor", cursorOf(record)).encode();
    }

    /** The session's partition, read from the stream's tail offset. */
    private static int partitionOf(String sessionId) {
        return Integer.parseInt(api().get(sessionStream(sessionId) + "?offset=now").header("Stream-Next-Offset")
                .substring(0, 10));
    }

    /** A partition other than the session's. */
    private static int otherPartition(String sessionId) {
        return partitionOf(sessionId) == 0 ? 1 : 0;
    }

    /** Writes chunks of other sessions until {@code count} of them landed in {@code partition}; returns the last. */
    private static RecordMetadata samePartitionWrites(int partition, int count) {
        RecordMetadata last = null;
        int landed = 0;
        for (int i = 0; landed < count && i < 10_000; i++) {
            RecordMetadata written = worker.chunk("other-session-" + i, "00000000-0000-7000-8000-000000000000",
                    1, 0, "theirs");
            if (written.partition() == partition) {
                landed++;
                last = written;
            }
        }
        assertNotNull(last, "no other session hashed to partition " + partition);
        return last;
    }

    private static Api.Response head(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api().uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    private static Api.Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = api().http().send(request.timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Api.Response(response.statusCode(), response.body(), response.headers());
    }

    private static List<String> snapshot(List<String> lines) {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The SSE lines without comments (": connected", ": heartbeat") and the blank line that ends each. */
    private static List<String> withoutComments(List<String> lines) {
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(":")) {
                i++;
            } else {
                frames.add(lines.get(i));
            }
        }
        return frames;
    }

    /** Collects an SSE body line by line. */
    private record LineCollector(List<String> lines) implements java.util.concurrent.Flow.Subscriber<String> {

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            synchronized (lines) {
                lines.add(line);
            }
        }

        @Override
        public void onError(Throwable error) {
        }

        @Override
        public void onComplete() {
        }
    }
}
