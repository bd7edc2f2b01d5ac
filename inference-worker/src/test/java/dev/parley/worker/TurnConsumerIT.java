package dev.parley.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.ContextMessage;
import dev.parley.avro.HistorySummary;
import dev.parley.avro.OpenCommitment;
import dev.parley.avro.Persona;
import dev.parley.avro.PersonaRef;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.TurnSummary;
import dev.parley.avro.DeadLetter;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.TokenChunk;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.Topics;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.backend.ChatRequest;
import dev.parley.worker.backend.Generation;
import dev.parley.worker.backend.LlmBackend;
import dev.parley.worker.backend.HttpBackend;
import dev.parley.worker.backend.StreamListener;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The inference worker on a real broker, streaming from the simulator over HTTP")
class TurnConsumerIT {

    private static WorkerKafka kafka;
    private static Vertx vertx;
    private static LlmSimulator simulator;
    private static InferenceWorker worker;
    private static KafkaProbe probe;
    private static final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        kafka = WorkerKafka.start(2);
        Map<String, Object> clients = kafka.clients();
        vertx = Vertx.vertx();
        simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults()
            .withTimeToFirstToken(Duration.ofMillis(5)).withInterTokenLatency(Duration.ofMillis(2)));
        BackendConfig backend = BackendConfig.of(simulator.baseUrl(), LlmSimulator.MODEL).withIdleTimeout(Duration.ofMillis(800));
        WorkerConfig config = new WorkerConfig("it-" + UUID.randomUUID(), "workers-" + UUID.randomUUID(), clients,
            backend, 64, 2_000, Duration.ZERO, "");
        LlmBackend recording = recording(HttpBackend.create(vertx, backend));
        worker = InferenceWorker.start(vertx, config, ignored -> recording);
        probe = new KafkaProbe(clients);
    }

    @AfterAll
    static void stop() {
        probe.close();
        worker.close();
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        kafka.close();
    }

    @Test
    @DisplayName("a turn's chunks stream live and concatenate to the one AssistantReply in the ledger")
    void replyStreamsAndIsRecordedOnce() {
        String session = KafkaProbe.newId();
        String reply = "Grüße aus Kafka ✓ — exactly this text.";
        String turn = probe.turn(session, "Say it\n#sim: reply=\"" + reply + "\"");

        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(turn).isEmpty());
        AssistantReply recorded = assertInstanceOf(AssistantReply.class, probe.terminals(turn).get(0).getPayload());
        assertEquals(reply, recorded.getText());
        assertEquals(1, probe.terminals(turn).get(0).getAttempt());
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.chunks(turn).stream().anyMatch(TokenChunk::getFinal$));
        assertEquals(reply, probe.streamedText(turn, 1), "streaming equals the ledger");
        List<TokenChunk> chunks = probe.chunks(turn);
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(i, chunks.get(i).getSeq(), "seq in order without gaps");
        }
        TokenChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.getFinal$());
        assertEquals("stop", last.getFinishReason());
        assertEquals("", last.getText());
        assertNoMoreTerminals(turn);
    }

    @Test
    @DisplayName("a turn naming a persona (stored a moment before) sends its exact text first, before the rest of "
        + "the context, and its reply records the version")
    void personaBlockComesFirst() {
        String name = "guide-" + UUID.randomUUID();
        String text = "You are a guide.\n  Keep this text exactly, trailing space included. ";
        probe.persona(Persona.newBuilder().setName(name).setVersion("0123456789ab").setText(text)
            .setUpdatedAt(Instant.now()).setUpdatedBy(null).build());
        String turn = probe.turnWithPersona(name, KafkaProbe.newId(), "Where to?\n#sim: tokens=2");

        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(turn).isEmpty());
        AssistantReply reply = assertInstanceOf(AssistantReply.class, probe.terminals(turn).get(0).getPayload());
        assertEquals(new PersonaRef(name, "0123456789ab"), reply.getPersona());
        assertEquals(List.of(ChatMessage.cachedSystem(text), ChatMessage.user("Where to?\n#sim: tokens=2")),
            requestFor("Where to?").messages());
    }

    @Test
    @DisplayName("a turn naming a persona nobody stored fails, after a bounded wait, saying which persona is unknown")
    void unknownPersonaFailsTheTurn() {
        String turn = probe.turnWithPersona("ghost", KafkaProbe.newId(), "Boo?");

        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(turn).isEmpty());
        ReplyFailed failed = assertInstanceOf(ReplyFailed.class, probe.terminals(turn).get(0).getPayload());
        assertTrue(failed.getReason().startsWith("unknown persona ghost"), failed.getReason());
        assertNull(failed.getPersona());
    }

    @Test
    @DisplayName("a session's turns run in order, each with the earlier turns and replies in its context")
    void turnsRunInOrderWithContext() {
        String session = KafkaProbe.newId();
        String first = probe.turn(session, "My name is Ada.\n#sim: reply=\"Hello Ada.\" itl_ms=20");
        String second = probe.turn(session, "What is my name?\n#sim: reply=\"You are Ada.\"");

        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(second).isEmpty());
        assertEquals(1, probe.terminals(first).size());
        List<ChatMessage> context = requestFor("What is my name?").messages();
        assertEquals(List.of(
                ChatMessage.user("My name is Ada.\n#sim: reply=\"Hello Ada.\" itl_ms=20"),
                ChatMessage.assistant("Hello Ada."),
                ChatMessage.user("What is my name?\n#sim: reply=\"You are Ada.\"")),
            context, "turn 2 sees turn 1 and its reply, although turn 2 was appended before that reply");
    }

    @Test
    @DisplayName("messages a client supplied with a turn (UserTurn.context) come right before its text, and stay "
        + "with it in later turns' context, also once a snapshot covers it")
    void suppliedContextPrecedesTheTurnAndStaysInTheHistory() {
        String session = KafkaProbe.newId();
        List<ContextMessage> given = List.of(new ContextMessage("system", "Answer in French."),
            new ContextMessage("user", "I am Ada."), new ContextMessage("assistant", "Bonjour Ada."));
        String first = probe.turn(session, "Who am I?\n#sim: reply=\"Ada.\"", null, false, given);
        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(first).isEmpty());
        assertEquals(List.of(new ChatMessage("system", "Answer in French."), ChatMessage.user("I am Ada."),
                ChatMessage.assistant("Bonjour Ada."), ChatMessage.user("Who am I?\n#sim: reply=\"Ada.\"")),
            requestFor("Who am I?\n#sim: reply=\"Ada.\"").messages());

        String second = probe.turn(session, "And again?");
        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(second).isEmpty());
        List<ChatMessage> fromLedger = requestFor("And again?").messages();
        assertEquals(List.of(new ChatMessage("system", "Answer in French."), ChatMessage.user("I am Ada."),
                ChatMessage.assistant("Bonjour Ada."), ChatMessage.user("Who am I?\n#sim: reply=\"Ada.\""),
                ChatMessage.assistant("Ada."), ChatMessage.user("And again?")), fromLedger);

        long[] position = probe.ledgerPosition(session);
        probe.snapshot(SessionSnapshot.newBuilder().setSessionId(session).setTurnCount(2)
            .setLedgerPartition((int) position[0]).setLedgerOffset(position[1])
            .setRecentTurns(List.of(new TurnSummary(first, "Who am I?", "Ada.", "completed", given),
                new TurnSummary(second, "And again?", "Still Ada.", "completed", List.of())))
            .setUpdatedAt(Instant.now()).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.snapshotOffset(session) == position[1]);
        String third = probe.turn(session, "Third?");
        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(third).isEmpty());
        assertEquals(List.of(new ChatMessage("system", "Answer in French."), ChatMessage.user("I am Ada."),
                ChatMessage.assistant("Bonjour Ada."), ChatMessage.user("Who am I?"), ChatMessage.assistant("Ada."),
                ChatMessage.user("And again?"), ChatMessage.assistant("Still Ada."), ChatMessage.user("Third?")),
            requestFor("Third?").messages(), "the snapshot keeps the supplied messages with their turn");
    }

    @Test
    @DisplayName("the context keeps the newest turns within the character budget")
    void contextStaysWithinBudget() {
        String session = KafkaProbe.newId();
        String filler = "x".repeat(600);
        for (int i = 0; i < 4; i++) {
            String turn = probe.turn(session, "turn " + i + " " + filler + "\n#sim: reply=\"ok " + i + "\"");
            await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(turn).isEmpty());
        }
        String last = probe.turn(session, "last question");
        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(last).isEmpty());
        List<ChatMessage> context = requestFor("last question").messages();
        int chars = context.stream().mapToInt(m -> m.content().length()).sum();
        assertTrue(chars <= 2_000, "context of " + chars + " chars exceeds the budget");
        assertTrue(context.get(context.size() - 2).content().equals("ok 3"), "the newest reply is kept: " + context);
        assertTrue(context.stream().noneMatch(m -> m.content().startsWith("turn 0")), "the oldest turn fell out");
    }

    @Test
    @DisplayName("with a snapshot, the context is its memory and turns plus the ledger records after its offset")
    void contextFromSnapshotAndTail() {
        String session = KafkaProbe.newId();
        String first = probe.turn(session, "My name is Ada.\n#sim: reply=\"Hello Ada.\"");
        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(first).isEmpty());
        long[] position = probe.ledgerPosition(session);
        Instant now = Instant.now();
        probe.snapshot(SessionSnapshot.newBuilder().setSessionId(session).setTurnCount(1)
            .setLedgerPartition((int) position[0]).setLedgerOffset(position[1])
            .setRecentTurns(List.of(new TurnSummary(first, "My name is Ada.", "Hello Ada (as the snapshot has it).",
                "completed", List.of())))
            .setSummary(new HistorySummary("They talked about Kafka before.", "t0", "t0", 1L, 0L, "extractive"))
            .setOpenCommitments(List.of(new OpenCommitment(first + "#0", first, "I'll remind you to call the dentist.",
                null, now)))
            .setFacts(Map.of("name", "Ada")).setUpdatedAt(now).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.snapshotOffset(session) == position[1]);

        String second = probe.turn(session, "Second?\n#sim: reply=\"Second answer.\"");
        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(second).isEmpty());
        List<ChatMessage> context = requestFor("Second?").messages();
        assertEquals("system", context.get(0).role());
        assertTrue(context.get(0).content().contains("They talked about Kafka before."), context.toString());
        assertTrue(context.get(0).content().contains("name: Ada"), context.toString());
        assertTrue(context.get(0).content().contains("I'll remind you to call the dentist."), context.toString());
        assertEquals(ChatMessage.assistant("Hello Ada (as the snapshot has it)."), context.get(2),
            "turns the snapshot covers come from the snapshot, not from the ledger");

        String third = probe.turn(session, "Third?");
        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(third).isEmpty());
        List<ChatMessage> later = requestFor("Third?").messages();
        assertEquals(List.of(ChatMessage.user("Second?\n#sim: reply=\"Second answer.\""),
                ChatMessage.assistant("Second answer."), ChatMessage.user("Third?")),
            later.subList(later.size() - 3, later.size()), "turn N-1 and its reply come from the ledger tail");
        assertEquals(ChatMessage.assistant("Hello Ada (as the snapshot has it)."), later.get(2));
    }

    @Test
    @DisplayName("cancelling a streaming turn stops the upstream request and records ReplyCancelled with the partial text")
    void cancelStopsUpstream() {
        String session = KafkaProbe.newId();
        long cancelledBefore = simulator.cancelledStreams();
        String turn = probe.turn(session, "Talk a lot\n#sim: tokens=2000 itl_ms=10");
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.chunks(turn).size() >= 5);

        probe.cancel(session, turn);

        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(turn).isEmpty());
        ReplyCancelled cancelled = assertInstanceOf(ReplyCancelled.class, probe.terminals(turn).get(0).getPayload());
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.chunks(turn).stream().anyMatch(TokenChunk::getFinal$));
        assertEquals(probe.streamedText(turn, 1), cancelled.getPartialText());
        assertTrue(cancelled.getPartialText().length() > 0);
        TokenChunk last = probe.chunks(turn).get(probe.chunks(turn).size() - 1);
        assertEquals("cancelled", last.getFinishReason());
        assertEquals(cancelled.getPartialText(), last.getPartialText());
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.cancelledStreams() > cancelledBefore);
        assertNoMoreTerminals(turn);
    }

    @Test
    @DisplayName("a backend error mid-stream records ReplyFailed with the partial text")
    void backendErrorFails() {
        String session = KafkaProbe.newId();
        String turn = probe.turn(session, "Fail please\n#sim: reply=\"one two three four five six\" fail_after=3");

        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(turn).isEmpty());
        ReplyFailed failed = assertInstanceOf(ReplyFailed.class, probe.terminals(turn).get(0).getPayload());
        assertEquals("one two three", failed.getPartialText());
        assertTrue(failed.getReason().contains("simulated failure"), failed.getReason());
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.chunks(turn).stream().anyMatch(TokenChunk::getFinal$));
        TokenChunk last = probe.chunks(turn).get(probe.chunks(turn).size() - 1);
        assertEquals("error", last.getFinishReason());
        assertEquals("one two three", last.getPartialText());
    }

    @Test
    @DisplayName("a stalled backend is failed by the idle timeout with the partial text")
    void stallFails() {
        String session = KafkaProbe.newId();
        String turn = probe.turn(session, "Stall\n#sim: reply=\"alpha beta gamma delta\" stall_after=2");

        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(turn).isEmpty());
        ReplyFailed failed = assertInstanceOf(ReplyFailed.class, probe.terminals(turn).get(0).getPayload());
        assertEquals("alpha beta", failed.getPartialText());
        assertTrue(failed.getReason().contains("stalled: no data"), failed.getReason());
    }

    @Test
    @DisplayName("an undecodable ledger record goes to the DLQ with the reason and the worker carries on")
    void poisonRecordIsDeadLettered() {
        String session = KafkaProbe.newId();
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        probe.appendRaw(session, garbage);
        String turn = probe.turn(session, "Still there?\n#sim: reply=\"Yes.\"");

        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(turn).isEmpty());
        List<DeadLetter> letters = deadLetters();
        DeadLetter letter = letters.stream().filter(l -> l.getOriginalKey() != null
                && session.equals(StandardCharsets.UTF_8.decode(l.getOriginalKey()).toString()))
            .findFirst().orElseThrow(() -> new AssertionError("no dead letter for the poison record: " + letters));
        assertEquals(Topics.LEDGER.name(), letter.getOriginalTopic());
        assertEquals("not avro at all", StandardCharsets.UTF_8.decode(letter.getOriginalValue()).toString());
        assertTrue(letter.getReason().contains("magic byte"), letter.getReason());
    }

    private static List<DeadLetter> deadLetters() {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
            "schema.registry.url", kafka.registryUrl(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        try (AvroSerde<DeadLetter> serde = Topics.DLQ.valueSerde(config);
             KafkaConsumer<String, DeadLetter> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                 serde.deserializer())) {
            var partition = new org.apache.kafka.common.TopicPartition(Topics.DLQ.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<DeadLetter> letters = new CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, DeadLetter> r : consumer.poll(Duration.ofMillis(200))) {
                    letters.add(r.value());
                }
                return !letters.isEmpty();
            });
            return letters;
        }
    }

    /** No second terminal event shows up for the turn within a few seconds. */
    private static void assertNoMoreTerminals(String turn) {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
            .until(() -> probe.terminals(turn).size() == 1);
    }

    private static ChatRequest requestFor(String lastUserTextPrefix) {
        return requests.stream()
            .filter(r -> r.messages().get(r.messages().size() - 1).content().startsWith(lastUserTextPrefix))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("no request for " + lastUserTextPrefix + " in " + requests.stream()
                .map(r -> r.messages().get(r.messages().size() - 1).content()).collect(Collectors.toList())));
    }

    /** The real backend, recording what context each generation was given. */
    private static LlmBackend recording(LlmBackend backend) {
        return new LlmBackend() {
            @Override
            public Generation stream(ChatRequest request, StreamListener listener) {
                requests.add(request);
                return backend.stream(request, listener);
            }
        };
    }
}
