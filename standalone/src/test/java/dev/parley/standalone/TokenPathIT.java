package dev.parley.standalone;

import static dev.parley.standalone.client.ParleyHttp.JSON;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.UserTurn;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.Topics;
import dev.parley.standalone.client.ParleyHttp;
import dev.parley.standalone.client.SseClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The token path end to end: HTTP in, Kafka through, SSE out")
class TokenPathIT {

    @TempDir
    static Path dataDir;
    private static Standalone parley;
    private static ParleyHttp api;

    @BeforeAll
    static void start() {
        Map<String, String> env = StandaloneConfig.onFreePorts(dataDir);
        env.putAll(Map.of("PARLEY_SIM_TTFT_MS", "5", "PARLEY_SIM_ITL_MS", "3", "PARLEY_LLM_IDLE_TIMEOUT_MS", "1000"));
        // a hundred clients without authentication are one principal, anonymous: the limits are not under test
        env.put("PARLEY_LIMIT_REQUESTS_PER_SECOND", "100000");
        env.put("PARLEY_LIMIT_TURNS_PER_MINUTE", "1000000");
        parley = Standalone.start(StandaloneConfig.fromEnvironment(env));
        api = new ParleyHttp(parley.url());
    }

    @AfterAll
    static void stop() {
        if (parley != null) {
            parley.close();
        }
    }

    @Test
    @DisplayName("a 202 means the UserTurn is already in the ledger")
    void turnDurableBefore202() throws Exception {
        String session = api.createSession();
        String turn = api.postTurn(session, "durable?\n#sim: reply=\"yes\"");
        List<LedgerEvent> events = ledger(session); // read right after the 202, no waiting
        assertTrue(events.stream().anyMatch(e -> e.getTurnId().equals(turn) && e.getPayload() instanceof UserTurn),
            "UserTurn " + turn + " not in the ledger: " + events);
    }

    @Test
    @DisplayName("streaming text == blocking text == ledger text, and exactly one terminal event")
    void streamingEqualsBlockingEqualsLedger() throws Exception {
        String session = api.createSession();
        String expected = "Ünïcödé streams ✓ — «exactly» this.";
        String turn = api.postTurn(session, "echo\n#sim: reply=\"" + expected + "\"");
        try (SseClient sse = api.events(session, ParleyHttp.turnQuery(turn))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ParleyHttp.terminal(sse.events(), turn) != null);
            assertEquals("done", ParleyHttp.terminal(sse.events(), turn).type());
            assertEquals(expected, ParleyHttp.streamedReply(sse.events(), turn));
        }
        JsonNode status = api.turnStatus(session, turn, 30);
        assertEquals("completed", status.get("status").asText());
        assertEquals(expected, status.get("text").asText());
        List<LedgerEvent> terminals = terminals(session, turn);
        assertEquals(1, terminals.size(), terminals.toString());
        assertEquals(expected, assertInstanceOf(AssistantReply.class, terminals.get(0).getPayload()).getText());
    }

    @Test
    @DisplayName("?trace=true: every token carries its hop times, the first one all of them, in the order the turn "
        + "passed them, and the previous chunk's acknowledgement; without it, none")
    void hopTimesInOrder() throws Exception {
        String session = api.createSession();
        // 50 ms apart: each chunk's acknowledgement is back before the next chunk is sent
        String turn = api.postTurn(session, "trace me\n#sim: tokens=5 itl_ms=50");
        try (SseClient traced = api.events(session, ParleyHttp.turnQuery(turn) + "&trace=true");
             SseClient plain = api.events(session, ParleyHttp.turnQuery(turn))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ParleyHttp.terminal(traced.events(), turn) != null
                && ParleyHttp.terminal(plain.events(), turn) != null);
            List<SseClient.Event> tokens = tokens(traced.events());
            assertEquals(5, tokens.size());
            List<String> firstHops = List.of("received", "consumed", "context", "backendSent", "backendByte",
                "produced", "relayed", "written");
            JsonNode first = JSON.readTree(tokens.get(0).data()).get("hops");
            long previous = 0;
            for (String hop : firstHops) {
                assertTrue(first.has(hop), hop + " missing in " + first);
                assertTrue(first.get(hop).asLong() >= previous, hop + " before the hop ahead of it: " + first);
                previous = first.get(hop).asLong();
            }
            JsonNode before = first;
            for (SseClient.Event later : tokens.subList(1, tokens.size())) {
                JsonNode hops = JSON.readTree(later.data()).get("hops");
                assertEquals(List.of("backendByte", "produced", "previousAcked", "relayed", "written"),
                    fieldNames(hops));
                long acked = hops.get("previousAcked").asLong();
                assertTrue(acked >= before.get("produced").asLong() && acked <= hops.get("produced").asLong(),
                    "the previous chunk's acknowledgement between its production and this one's: " + before + " "
                        + hops);
                before = hops;
            }
            tokens(plain.events()).forEach(e -> assertTrue(e.data().indexOf("\"hops\"") < 0, e.data()));
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    @DisplayName("resuming with Last-Event-ID from a mid-turn cursor gives the missed chunks once and in order")
    void resumeFromMidTurnCursor() throws Exception {
        String session = api.createSession();
        String turn = api.postTurn(session, "long\n#sim: tokens=120 itl_ms=15");
        List<SseClient.Event> before;
        try (SseClient first = api.events(session, ParleyHttp.turnQuery(turn))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> tokens(first.events()).size() >= 10);
            before = first.events();
        }
        List<SseClient.Event> seen = tokens(before);
        SseClient.Event last = seen.get(seen.size() - 1);
        List<SseClient.Event> upToCursor = before.subList(0, before.indexOf(last) + 1);
        try (SseClient resumed = api.eventsAfter(session, last.id())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ParleyHttp.terminal(resumed.events(), turn) != null);
            List<SseClient.Event> all = new ArrayList<>(upToCursor);
            all.addAll(resumed.events());
            List<Integer> seqs = new ArrayList<>();
            for (SseClient.Event e : tokens(all)) {
                seqs.add(JSON.readTree(e.data()).get("seq").asInt());
            }
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i, seqs.get(i), "seq " + i + " once and in order: " + seqs);
            }
            String ledgerText = api.turnStatus(session, turn, 30).get("text").asText();
            assertEquals(ledgerText, ParleyHttp.streamedReply(all, turn));
        }
    }

    @Test
    @DisplayName("?turnId= opened after the reply started still gets all of it, and so does a second watcher")
    void lateWatchersGetEverything() throws Exception {
        String session = api.createSession();
        String turn = api.postTurn(session, "story\n#sim: tokens=80 itl_ms=10");
        try (SseClient early = api.events(session, ParleyHttp.turnQuery(turn))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> tokens(early.events()).size() >= 20);
            try (SseClient late = api.events(session, ParleyHttp.turnQuery(turn))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> ParleyHttp.terminal(late.events(), turn) != null
                    && ParleyHttp.terminal(early.events(), turn) != null);
                String ledgerText = api.turnStatus(session, turn, 30).get("text").asText();
                assertEquals(ledgerText, ParleyHttp.streamedReply(early.events(), turn));
                assertEquals(ledgerText, ParleyHttp.streamedReply(late.events(), turn));
            }
        }
    }

    @Test
    @DisplayName("cancel gives a cancelled event and ReplyCancelled with the partial text")
    void cancelMidStream() throws Exception {
        String session = api.createSession();
        String turn = api.postTurn(session, "endless\n#sim: tokens=5000 itl_ms=10");
        try (SseClient sse = api.events(session, ParleyHttp.turnQuery(turn))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> tokens(sse.events()).size() >= 5);
            assertEquals(202, api.cancel(session, turn).statusCode());
            await().atMost(Duration.ofSeconds(30)).until(() -> ParleyHttp.terminal(sse.events(), turn) != null);
            SseClient.Event cancelled = ParleyHttp.terminal(sse.events(), turn);
            assertEquals("cancelled", cancelled.type());
            String partial = JSON.readTree(cancelled.data()).get("partialText").asText();
            assertEquals(ParleyHttp.streamedReply(sse.events(), turn), partial);
            assertTrue(!partial.isEmpty());
            JsonNode status = api.turnStatus(session, turn, 30);
            assertEquals("cancelled", status.get("status").asText());
            assertEquals(partial, status.get("text").asText());
            assertEquals(partial, assertInstanceOf(ReplyCancelled.class,
                terminals(session, turn).get(0).getPayload()).getPartialText());
        }
    }

    @Test
    @DisplayName("the demo catalogue: local failing mid-stream falls back to cloud with a reset, and the reply is cloud's")
    void demoCatalogueFallsBackMidStream() throws Exception {
        String session = api.createSession();
        String turn = api.postTurn(session,
            "fall back\n#sim: reply=\"alpha beta gamma delta epsilon\"\n#sim: fail_after=3 on=local");
        try (SseClient sse = api.events(session, ParleyHttp.turnQuery(turn))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ParleyHttp.terminal(sse.events(), turn) != null);
            List<String> types = sse.events().stream().map(SseClient.Event::type)
                .filter(type -> !type.equals("connected")).toList();
            assertEquals(List.of("token", "token", "token", "reset", "token", "token", "token", "token", "token",
                "done"), types);
            assertEquals("alpha beta gamma delta epsilon", ParleyHttp.streamedReply(sse.events(), turn));
        }
        JsonNode status = api.turnStatus(session, turn, 10);
        assertEquals("alpha beta gamma delta epsilon", status.get("text").asText());
        assertEquals("cloud", status.get("backend").asText());
        assertEquals("abandoned", status.get("attempts").get(0).get("outcome").asText());
        assertEquals("alpha beta gamma", status.get("attempts").get(0).get("partialText").asText());
        assertEquals(1, terminals(session, turn).size());
    }

    @Test
    @DisplayName("the demo catalogue's staged route streams quick, deep and synthesis, each marked with its confidence")
    void demoCatalogueStagedRoute() throws Exception {
        String session = api.createSession();
        String turn = api.postTurn(session, "stages\n#sim: tokens=4", "staged");
        try (SseClient sse = api.events(session, ParleyHttp.turnQuery(turn))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ParleyHttp.terminal(sse.events(), turn) != null);
            List<String> stages = new ArrayList<>();
            for (SseClient.Event event : sse.events()) {
                if (event.type().equals("stage")) {
                    JsonNode data = ParleyHttp.JSON.readTree(event.data());
                    stages.add(data.get("boundary").asText() + " " + data.get("stage").asText() + " "
                        + data.get("confidence").asText());
                }
            }
            assertEquals(List.of("start quick 0.5", "end quick 0.5", "start deep 0.8", "end deep 0.8",
                "start synthesis 0.95", "end synthesis 0.95"), stages);
        }
        JsonNode status = api.turnStatus(session, turn, 10);
        assertEquals(3, status.get("stages").size());
        assertEquals(status.get("stages").get(2).get("text").asText(), status.get("text").asText());
    }

    @Test
    @DisplayName("a backend error and a stall each give failed with the partial text")
    void backendErrorAndStallFail() throws Exception {
        String session = api.createSession();
        String error = api.postTurn(session, "break\n#sim: reply=\"one two three four\" fail_after=2");
        String stall = api.postTurn(session, "hang\n#sim: reply=\"five six seven eight\" stall_after=3");
        try (SseClient sse = api.events(session, ParleyHttp.turnQuery(error))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ParleyHttp.terminal(sse.events(), stall) != null);
            SseClient.Event failed = ParleyHttp.terminal(sse.events(), error);
            assertEquals("failed", failed.type());
            assertEquals("one two", JSON.readTree(failed.data()).get("partialText").asText());
            SseClient.Event stalled = ParleyHttp.terminal(sse.events(), stall);
            assertEquals("failed", stalled.type());
            assertEquals("five six seven", JSON.readTree(stalled.data()).get("partialText").asText());
            assertTrue(JSON.readTree(stalled.data()).get("reason").asText().contains("stalled"));
        }
        assertEquals("failed", api.turnStatus(session, error, 10).get("status").asText());
        assertEquals("five six seven", api.turnStatus(session, stall, 10).get("text").asText());
    }

    @Test
    @DisplayName("100 concurrent sessions each get their own reply, with no cross-talk")
    void hundredConcurrentSessions() throws Exception {
        int sessions = 100;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    String session = api.createSession();
                    String expected = "reply for session number " + n + " only";
                    String turn = api.postTurn(session, "who?\n#sim: reply=\"" + expected + "\" itl_ms=5");
                    try (SseClient sse = api.events(session, ParleyHttp.turnQuery(turn))) {
                        await().atMost(Duration.ofSeconds(90)).until(() -> ParleyHttp.terminal(sse.events(), turn) != null);
                        String streamed = ParleyHttp.streamedReply(sse.events(), turn);
                        long foreign = sse.events().stream().filter(e -> e.type().equals("token"))
                            .filter(e -> !e.data().contains(turn)).count();
                        assertEquals(0, foreign, "tokens of other turns on this session's stream");
                        assertEquals(expected, api.turnStatus(session, turn, 30).get("text").asText());
                        return streamed.equals(expected) ? "ok" : "session " + n + " streamed '" + streamed + "'";
                    }
                }));
            }
            List<String> problems = new ArrayList<>();
            for (Future<String> result : results) {
                String outcome = result.get();
                if (!outcome.equals("ok")) {
                    problems.add(outcome);
                }
            }
            assertEquals(List.of(), problems);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<SseClient.Event> tokens(List<SseClient.Event> events) {
        return events.stream().filter(e -> e.type().equals("token")).collect(Collectors.toList());
    }

    private static List<LedgerEvent> terminals(String session, String turn) {
        return ledger(session).stream().filter(e -> e.getTurnId().equals(turn))
            .filter(e -> !(e.getPayload() instanceof UserTurn) && !(e.getPayload() instanceof dev.parley.avro.CancelRequested))
            .collect(Collectors.toList());
    }

    /** Every committed ledger event of the session, read straight from Kafka up to the current end. */
    static List<LedgerEvent> ledger(String session) {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", parley.bootstrapServers(),
            "schema.registry.url", parley.registryUrl(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<LedgerEvent> events = new ArrayList<>();
        try (AvroSerde<LedgerEvent> serde = Topics.LEDGER.valueSerde(config);
             KafkaConsumer<String, LedgerEvent> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                 serde.deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.LEDGER.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, LedgerEvent> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.key().equals(session)) {
                        events.add(record.value());
                    }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        assertNotNull(events);
        return events;
    }
}
