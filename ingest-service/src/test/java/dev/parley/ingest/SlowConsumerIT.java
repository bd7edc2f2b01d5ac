package dev.parley.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.support.FakeWorker;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.RawSseConnection;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.ingest.support.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("A client that stops reading is closed with slow_consumer while the others keep streaming")
@ExtendWith(SharedKafka.Extension.class)
class SlowConsumerIT {

    /** A small per-client queue, in records. */
    private static final int BUFFER_EVENTS = 100;
    /** 8,000 chunks of 2 KiB: 16 MiB, far more than a stalled socket (a few MiB of kernel buffers) takes. */
    private static final int CHUNKS = 8_000;
    private static final String TEXT = "x".repeat(2_048);

    private static Gateway gateway;
    private static FakeWorker worker;

    @BeforeAll
    static void start() {
        SharedKafka kafka = SharedKafka.get();
        gateway = Gateway.start(kafka.ingestConfig(Map.of(IngestConfig.CLIENT_BUFFER_EVENTS, "" + BUFFER_EVENTS,
                IngestConfig.CLIENT_STALL_MS, "3000")));
        worker = new FakeWorker(kafka.clientConfig());
    }

    @AfterAll
    static void stop() {
        worker.close();
        gateway.close();
    }

    @Test
    @DisplayName("a stalled client gets error slow_consumer and a cursor to resume from; a reading one gets every chunk")
    void slowClientIsClosed() {
        String sessionId = gateway.api().createSession();
        String turnId = gateway.api().submitTurn(sessionId, "a long one");
        String path = "/v1/sessions/" + sessionId + "/events?turnId=" + turnId;
        try (SseClient reader = SseClient.open(gateway.api().http(), gateway.api().uri(path), Map.of());
             RawSseConnection stalled = RawSseConnection.open(gateway.api().port(), path)) {

            // all at once: the relay reads far faster than a client takes it, so the reading client's
            // small queue fills and empties many times (suspend and resume) without losing or repeating a chunk
            worker.manyChunks(sessionId, turnId, 1, 0, CHUNKS, TEXT);
            worker.doneUnrecorded(sessionId, turnId, 1, CHUNKS, null);
            // 16 MiB of text does not fit one Kafka record: the ledger's reply is a stand-in for this relay test
            worker.reply(sessionId, turnId, 1, "(" + CHUNKS + " chunks)");

            await().atMost(Duration.ofSeconds(120)).until(() -> reader.hasEvent("done"));
            List<SseClient.Event> tokens = reader.events("token");
            assertEquals(CHUNKS, tokens.size());
            assertEquals(IntStream.range(0, CHUNKS).boxed().toList(), seqs(tokens));

            // reading the stalled socket now would un-stall it: first let the gateway give up on it
            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.service().slowClientsClosed() == 1);
            List<SseClient.Event> received = stalled.readUntilClosed(Duration.ofSeconds(60));
            SseClient.Event last = received.get(received.size() - 1);
            assertEquals("error", last.type());
            assertEquals("slow_consumer", last.data().getString("code"));
            String cursor = last.data().getString("cursor");
            assertTrue(last.data().getString("message").contains("Last-Event-ID " + cursor), last.data().encode());
            List<SseClient.Event> partial = received.subList(0, received.size() - 1);
            assertTrue(partial.size() < CHUNKS, "the stalled client cannot have received everything");
            partial.forEach(event -> assertEquals("token", event.type()));

            try (SseClient resumed = SseClient.open(gateway.api().http(), gateway.api().uri(path),
                    Map.of("Last-Event-ID", cursor))) {
                await().atMost(Duration.ofSeconds(120)).until(() -> resumed.hasEvent("done"));
                List<SseClient.Event> all = new ArrayList<>(partial);
                all.addAll(resumed.events("token"));
                assertEquals(IntStream.range(0, CHUNKS).boxed().toList(), seqs(all));
            }
        }
    }

    private static List<Integer> seqs(List<SseClient.Event> tokens) {
        return tokens.stream().map(event -> event.data().getInteger("seq")).toList();
    }
}
