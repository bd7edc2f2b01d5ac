package dev.parley.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.api.EncodingType;
import dev.parley.avro.AssistantReply;
import dev.parley.avro.ContextMessage;
import dev.parley.avro.HistorySummary;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.TurnSummary;
import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.compress.TokenCounter;
import dev.parley.worker.simulator.SimulatorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Prompt compression end to end: a {@code #sim: echo} turn replies with the messages the backend got, so the reply on a
 * compressing route is the compressed context, and on a plain route the context as built.
 */
class CompressionIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int BUDGET = 400;
    private static final String SYSTEM_PROMPT = "You are Parley.  Answer   briefly.\n\n\n";
    private static final String STATE = """
        {
          "agent" : "planner",
          "steps" : [
            { "id" : 1, "tool" : "search", "done" : true },
            { "id" : 2, "tool" : "summarize", "done" : false }
          ],
          "budget" : 12.50
        }""";

    private static SimulatedWorker rig;
    private static InferenceWorker worker;
    private static KafkaProbe probe;

    @BeforeAll
    static void start() {
        rig = new SimulatedWorker(2, SimulatorConfig.defaults().withTimeToFirstToken(Duration.ofMillis(1))
            .withInterTokenLatency(Duration.ZERO), """
            backends:
              sim: {kind: openai, url: %s, model: gpt-4o}
            routes:
              default: [sim]
              lean: {backends: [sim], compress: {budgetTokens: BUDGET}}
            """.replace("BUDGET", String.valueOf(BUDGET)), "sim", 100_000, SYSTEM_PROMPT);
        worker = rig.worker;
        probe = rig.probe;
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    /** A client's conversation (an OpenAI-compatible request): filler, a pretty-printed state, more than the budget. */
    private static List<ContextMessage> conversation() {
        List<ContextMessage> given = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            given.add(new ContextMessage("user", "Question " + i + ":   how do   consumer groups share partitions?  "));
            given.add(new ContextMessage("assistant", "Certainly! Each partition goes to one consumer of the group, "
                + "and a rebalance moves partitions when members join or leave. I hope this helps!"));
        }
        given.add(new ContextMessage("user", "Here is the agent's state:\n" + STATE));
        given.add(new ContextMessage("assistant", "As an AI language model, i read it: step 2 is open."));
        return given;
    }

    private static final String TEXT = "What is the next step?\n#sim: echo";

    @Test
    @DisplayName("on a compressing route the backend gets compact JSON, no filler, within the budget, prefix intact")
    void compressingRoute() throws Exception {
        List<ChatMessage> echoed = echoed(probe.turn(KafkaProbe.newId(), TEXT, "lean", false, conversation()));
        TokenCounter o200k = TokenCounter.of(EncodingType.O200K_BASE, false);
        assertTrue(o200k.count(echoed) <= BUDGET, o200k.count(echoed) + " tokens over " + BUDGET);
        assertEquals(ChatMessage.system(SYSTEM_PROMPT), echoed.get(0), "the system prompt, byte for byte");
        assertEquals(ChatMessage.user(TEXT), echoed.get(echoed.size() - 1), "the newest turn");
        assertTrue(echoed.contains(ChatMessage.user("Here is the agent's state:\n{\"agent\":\"planner\",\"steps\":"
            + "[{\"id\":1,\"tool\":\"search\",\"done\":true},{\"id\":2,\"tool\":\"summarize\",\"done\":false}],"
            + "\"budget\":12.50}")), "the state as compact JSON: " + echoed);
        assertTrue(echoed.contains(ChatMessage.assistant("I read it: step 2 is open.")), echoed.toString());
        assertFalse(echoed.contains(ChatMessage.user("Question 1: how do consumer groups share partitions?")),
            "the oldest turn went for the budget");
        for (ChatMessage message : echoed.subList(1, echoed.size())) {
            assertFalse(message.content().contains("Certainly!") || message.content().contains("I hope this helps")
                || message.content().contains("  "), message.toString());
        }
        int kept = (int) echoed.stream().filter(m -> m.content().startsWith("Question ")).count();
        assertTrue(kept >= 1 && kept < 8, kept + " questions kept");
        assertTrue(echoed.contains(ChatMessage.user("Question 8: how do consumer groups share partitions?")),
            "the newest earlier turns stay");
        String metrics = scrape();
        assertTrue(metrics.contains("parley_context_tokens_total{counted=\"exact\",route=\"lean\",service=\"worker\","
            + "when=\"after\"}"), metrics);
    }

    @Test
    @DisplayName("on a plain route the backend gets the context exactly as built")
    void plainRoute() throws Exception {
        List<ChatMessage> echoed = echoed(probe.turn(KafkaProbe.newId(), TEXT, "default", false, conversation()));
        List<ChatMessage> expected = new ArrayList<>();
        expected.add(ChatMessage.system(SYSTEM_PROMPT));
        conversation().forEach(m -> expected.add(new ChatMessage(m.getRole(), m.getContent())));
        expected.add(ChatMessage.user(TEXT));
        assertEquals(expected, echoed);
    }

    @Test
    @DisplayName("with a snapshot, the memory message (its summary) stays and the snapshot's oldest turns go first")
    void snapshotSummaryStays() throws Exception {
        String session = KafkaProbe.newId();
        String first = probe.turn(session, "Hello\n#sim: reply=\"Hi.\"", "lean", false);
        await().atMost(WAIT).until(() -> !probe.terminals(first).isEmpty());
        long[] position = probe.ledgerPosition(session);
        List<TurnSummary> turns = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            turns.add(new TurnSummary("t" + i, "Turn " + i + ": what should we watch when we change retention?",
                "Watch disk usage and the consumers that read far behind, and change one topic at a time.",
                "completed", List.of()));
        }
        Instant now = Instant.now();
        probe.snapshot(SessionSnapshot.newBuilder().setSessionId(session).setTurnCount(11)
            .setLedgerPartition((int) position[0]).setLedgerOffset(position[1]).setRecentTurns(turns)
            .setSummary(new HistorySummary("They set up a six-broker cluster.", "t0", "t0", 1L, 0L, "extractive"))
            .setFacts(Map.of()).setOpenCommitments(List.of()).setUpdatedAt(now).build());
        await().atMost(WAIT).until(() -> worker.snapshotOffset(session) == position[1]);

        List<ChatMessage> echoed = echoed(probe.turn(session, TEXT, "lean", false));
        TokenCounter o200k = TokenCounter.of(EncodingType.O200K_BASE, false);
        assertTrue(o200k.count(echoed) <= BUDGET, o200k.count(echoed) + " tokens over " + BUDGET);
        assertEquals(ChatMessage.system(SYSTEM_PROMPT), echoed.get(0));
        assertEquals("system", echoed.get(1).role());
        assertTrue(echoed.get(1).content().contains("They set up a six-broker cluster."), echoed.get(1).content());
        assertEquals(ChatMessage.user(TEXT), echoed.get(echoed.size() - 1));
        assertTrue(echoed.get(2).content().startsWith("Turn "), "a turn goes whole: " + echoed.get(2));
        int oldestKept = Integer.parseInt(echoed.get(2).content().replaceAll("^Turn (\\d+):.*", "$1"));
        assertTrue(oldestKept > 1, "the oldest turns went first");
        assertEquals(2 + 2 * (11 - oldestKept) + 1, echoed.size(), "every turn from the oldest kept on: " + echoed);
    }

    private static List<ChatMessage> echoed(String turn) throws IOException {
        await().atMost(WAIT).until(() -> !probe.terminals(turn).isEmpty());
        LedgerEvent terminal = probe.terminals(turn).get(0);
        AssistantReply reply = assertInstanceOf(AssistantReply.class, terminal.getPayload(), terminal::toString);
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode message : new ObjectMapper().readTree(reply.getText())) {
            messages.add(new ChatMessage(message.get("role").asText(), message.get("content").asText()));
        }
        return messages;
    }

    private static String scrape() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + worker.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
