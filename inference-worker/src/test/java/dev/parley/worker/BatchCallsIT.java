package dev.parley.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.BatchShare;
import dev.parley.avro.BatchTag;
import dev.parley.avro.GenerationSettings;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.Usage;
import dev.parley.worker.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Batched turns against a real broker and the simulator's batch mode over real HTTP: one backend call per batch, each
 * agent's own text on its own stream, exactly one terminal event per agent turn, the batch's faults, and a route that
 * gathers single turns into one call.
 */
class BatchCallsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static SimulatedWorker rig;
    private static KafkaProbe probe;

    @BeforeAll
    static void start() {
        rig = new SimulatedWorker(3, SimulatorConfig.defaults().withTimeToFirstToken(Duration.ofMillis(5))
            .withInterTokenLatency(Duration.ofMillis(2)).withReplyTokens(12), """
            backends:
              sim:
                kind: openai
                url: %s
                model: sim-model
                prices: {inputPerMillion: 1.0, outputPerMillion: 2.0}
              local: {kind: ollama, url: "%2$s", model: llama3.2}
            routes:
              default: [sim]
              gathered:
                backends: [sim]
                batch: {maxSize: 3, maxWaitMs: 2000}
            router:
              default: default
            """, "sim", 2_000, "");
        probe = rig.probe;
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    /** Sends one agent turn per text, each in a new session, as one client batch; answers the turn ids in order. */
    private static List<String> batch(String instructions, String... texts) {
        return batchOn(null, instructions, texts);
    }

    /** As {@link #batch}, on the route {@code route} (null: the router decides). */
    private static List<String> batchOn(String route, String instructions, String... texts) {
        return batch(route, false, instructions, texts);
    }

    private static List<String> batch(String route, boolean retryAlone, String instructions, String... texts) {
        String batchId = KafkaProbe.newId();
        List<String> turns = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            BatchTag tag = BatchTag.newBuilder().setBatchId(batchId).setAgent("agent" + i).setPosition(i)
                .setAgents(texts.length).setState(i == 0 ? "{\"hp\":7,\"inventory\":[\"rope\"]}" : null)
                .setInstructions(instructions).setRetryAlone(retryAlone).build();
            turns.add(probe.batchTurn(KafkaProbe.newId(), texts[i], route, tag));
        }
        return turns;
    }

    private static LedgerEvent terminal(String turn) {
        await().atMost(WAIT).until(() -> !probe.terminals(turn).isEmpty());
        List<LedgerEvent> terminals = probe.terminals(turn);
        assertEquals(1, terminals.size(), "exactly one terminal event for " + turn);
        return terminals.get(0);
    }

    private static AssistantReply reply(String turn) {
        return assertInstanceOf(AssistantReply.class, terminal(turn).getPayload());
    }

    private static ReplyFailed failure(String turn) {
        return assertInstanceOf(ReplyFailed.class, terminal(turn).getPayload());
    }

    private static BatchShare share(LedgerEvent event) {
        return event.getPayload() instanceof AssistantReply reply ? reply.getBatch()
            : ((ReplyFailed) event.getPayload()).getBatch();
    }

    private static Usage usage(LedgerEvent event) {
        return event.getPayload() instanceof AssistantReply reply ? reply.getUsage()
            : ((ReplyFailed) event.getPayload()).getUsage();
    }

    @Test
    @DisplayName("a batch is one backend call: each agent gets its own reply on its own stream, and the shares add up to the call")
    void oneCallManyAgents() {
        List<String> turns = batch("You are villagers. Answer in character.",
            "#sim: reply=\"Ann fetches the rope.\"\nWhere is the rope?",
            "#sim: reply=\"Bob guards the gate.\"\nWhat do you do?",
            "#sim: reply=\"Cy sings a song about \\\"quotes\\\" and caf\u00e9s.\"\nSing!");
        List<String> expected = List.of("Ann fetches the rope.", "Bob guards the gate.",
            "Cy sings a song about \"quotes\" and caf\u00e9s.");
        List<LedgerEvent> terminals = turns.stream().map(BatchCallsIT::terminal).toList();
        for (int i = 0; i < turns.size(); i++) {
            AssistantReply reply = assertInstanceOf(AssistantReply.class, terminals.get(i).getPayload());
            assertEquals(expected.get(i), reply.getText());
            assertEquals(reply.getText(), probe.streamedText(turns.get(i), 1), "agent " + i + " streams its own text only");
            assertEquals("agent" + i, reply.getBatch().getAgent());
            assertEquals(3, reply.getBatch().getCallAgents());
            assertEquals("sim", reply.getBackend());
        }
        Set<String> calls = terminals.stream().map(t -> share(t).getCallId()).collect(Collectors.toSet());
        assertEquals(1, calls.size(), "one backend call for the whole batch");
        List<LedgerEvent> withCall = terminals.stream().filter(t -> share(t).getCall() != null).toList();
        assertEquals(1, withCall.size(), "the whole call is recorded once");
        Usage whole = share(withCall.get(0)).getCall().getUsage();
        assertFalse(whole.getEstimated(), "the simulator reports usage");
        // agents answered before the call ended were charged estimates; the rest share what is left of the reported
        // usage, so the shares add up to it unless the estimates alone already exceed it
        List<Usage> early = terminals.stream().map(BatchCallsIT::usage).filter(Usage::getEstimated).toList();
        assertFalse(early.isEmpty(), "some agents were charged before the call ended");
        int earlyPrompt = early.stream().mapToInt(Usage::getPromptTokens).sum();
        int earlyCompletion = early.stream().mapToInt(Usage::getCompletionTokens).sum();
        assertEquals(Math.max(whole.getPromptTokens(), earlyPrompt),
            terminals.stream().mapToInt(t -> usage(t).getPromptTokens()).sum());
        assertEquals(Math.max(whole.getCompletionTokens(), earlyCompletion),
            terminals.stream().mapToInt(t -> usage(t).getCompletionTokens()).sum());
    }

    @Test
    @DisplayName("a batch on Ollama's protocol (which gets the answer's JSON Schema as format) is answered the same way")
    void ollama() {
        List<String> turns = batchOn("local", null, "#sim: reply=\"from llama\"\nA", "#sim: reply=\"me too\"\nB");
        assertEquals("from llama", reply(turns.get(0)).getText());
        assertEquals("me too", reply(turns.get(1)).getText());
        assertEquals("local", reply(turns.get(1)).getBackend());
    }

    @Test
    @DisplayName("the first agent's turn has ended before the array does")
    void firstAgentEndsFirst() {
        List<String> turns = batch(null, "#sim: reply=\"First!\"\nGo", "#sim: tokens=60 itl_ms=25\nTake your time");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> !probe.terminals(turns.get(0)).isEmpty());
        assertTrue(probe.terminals(turns.get(1)).isEmpty(), "the second agent is still streaming");
        assertEquals("First!", reply(turns.get(0)).getText());
        assertEquals(reply(turns.get(1)).getText(), probe.streamedText(turns.get(1), 1));
    }

    @Test
    @DisplayName("an agent missing from the array fails with the reason; the others are answered")
    void missingAgent() {
        List<String> turns = batch(null, "#sim: reply=\"one\"\nA", "#sim: batch=omit\nB", "#sim: reply=\"three\"\nC");
        assertEquals("one", reply(turns.get(0)).getText());
        assertEquals("three", reply(turns.get(2)).getText());
        ReplyFailed failed = failure(turns.get(1));
        assertEquals("the batch reply has no answer for agent agent1", failed.getReason());
        assertEquals("", failed.getPartialText());
    }

    @Test
    @DisplayName("duplicate and extra agents are ignored: the first answer stands, nobody gets another's text")
    void duplicateAndExtra() {
        List<String> turns = batch(null, "#sim: reply=\"mine\" batch=duplicate\nA",
            "#sim: reply=\"also mine\" batch=extra\nB");
        assertEquals("mine", reply(turns.get(0)).getText());
        assertEquals("mine", probe.streamedText(turns.get(0), 1));
        assertEquals("also mine", reply(turns.get(1)).getText());
        assertEquals("also mine", probe.streamedText(turns.get(1), 1));
    }

    @Test
    @DisplayName("malformed JSON fails every agent not yet answered, keeping what each streamed")
    void malformed() {
        List<String> turns = batch(null, "#sim: reply=\"fine\"\nA", "#sim: reply=\"broken reply\" batch=malformed\nB",
            "#sim: reply=\"never\"\nC");
        assertEquals("fine", reply(turns.get(0)).getText());
        for (String turn : turns.subList(1, 3)) {
            ReplyFailed failed = failure(turn);
            assertTrue(failed.getReason().startsWith("the batch reply is not valid JSON"), failed.getReason());
            assertFalse(failed.getPartialText().contains("fine"));
        }
        assertEquals("", failure(turns.get(2)).getPartialText());
    }

    @Test
    @DisplayName("a stream cut mid-array fails the agents without a complete answer; the partial text is the agent's own")
    void cut() {
        List<String> turns = batch(null, "#sim: reply=\"whole answer\"\nA",
            "#sim: reply=\"this reply is cut somewhere in the middle\" batch=cut\nB", "#sim: reply=\"never\"\nC");
        assertEquals("whole answer", reply(turns.get(0)).getText());
        ReplyFailed cut = failure(turns.get(1));
        assertTrue("this reply is cut somewhere in the middle".startsWith(cut.getPartialText()), cut.getPartialText());
        assertEquals(cut.getPartialText(), probe.streamedText(turns.get(1), 1));
        assertTrue(cut.getReason().contains("agent1"), cut.getReason());
        assertEquals("", failure(turns.get(2)).getPartialText());
    }

    @Test
    @DisplayName("cancelling one agent's turn ends it cancelled with its partial text; the others are answered")
    void cancelOneAgent() {
        List<String> turns = batch(null, "#sim: tokens=80 itl_ms=10\nA", "#sim: reply=\"still here\"\nB");
        String first = turns.get(0);
        await().atMost(WAIT).until(() -> probe.chunks(first, 1).size() >= 5);
        probe.cancel(probe.events(first).get(0).getSessionId(), first);
        LedgerEvent cancelled = terminal(first);
        ReplyCancelled payload = assertInstanceOf(ReplyCancelled.class, cancelled.getPayload());
        assertFalse(payload.getPartialText().isEmpty());
        assertEquals("agent0", payload.getBatch().getAgent());
        assertEquals("still here", reply(turns.get(1)).getText());
    }

    @Test
    @DisplayName("with retryAlone, an agent the call gave no valid answer is answered again alone: a missing one in "
        + "the same attempt, a broken one (which had streamed) in the next")
    void retryAlone() {
        List<String> turns = batch(null, true, null, "#sim: reply=\"first\"\nA",
            "#sim: reply=\"second, alone\" batch=omit\nB");
        turns.add(batch(null, true, null, "#sim: reply=\"third, alone\" batch=malformed\nC").get(0));
        assertEquals("first", reply(turns.get(0)).getText());
        LedgerEvent missing = terminal(turns.get(1));
        AssistantReply alone = assertInstanceOf(AssistantReply.class, missing.getPayload());
        assertEquals("second, alone", alone.getText());
        assertEquals(1, missing.getAttempt(), "nothing had streamed: the same attempt");
        assertEquals(List.of("failed", "completed"), alone.getAttempts().stream().map(c -> c.getOutcome()).toList());
        assertEquals("the batch reply has no answer for agent agent1", alone.getAttempts().get(0).getReason());
        assertEquals("agent1", alone.getBatch().getAgent());
        assertEquals(alone.getText(), probe.streamedText(turns.get(1), 1));
        LedgerEvent broken = terminal(turns.get(2));
        assertEquals("third, alone", assertInstanceOf(AssistantReply.class, broken.getPayload()).getText());
        assertEquals(2, broken.getAttempt(), "its broken reply had streamed: a new attempt");
        assertEquals("third, alone", probe.streamedText(turns.get(2), 2));
    }

    @Test
    @DisplayName("the agents' shared instructions go once, and each agent's state reaches the model as compact JSON")
    void stateReachesTheModel() {
        List<String> turns = batch("Speak like pirates.", "#sim: echo\nWhat do I carry?", "#sim: reply=\"arr\"\nB");
        String echoed = reply(turns.get(0)).getText();
        assertTrue(echoed.contains("{\"hp\":7,\"inventory\":[\"rope\"]}"), echoed);
        assertTrue(echoed.contains("What do I carry?"), echoed);
        assertEquals("arr", reply(turns.get(1)).getText());
    }

    @Test
    @DisplayName("a route with a batch window gathers single turns of different sessions into one call")
    void routeGathersSingleTurns() {
        List<String> turns = new ArrayList<>();
        for (String word : List.of("alpha", "beta", "gamma")) {
            turns.add(probe.turn(KafkaProbe.newId(), "#sim: reply=\"" + word + "\"\nSay it", "gathered", false));
        }
        List<LedgerEvent> terminals = turns.stream().map(BatchCallsIT::terminal).toList();
        assertEquals(List.of("alpha", "beta", "gamma"),
            terminals.stream().map(t -> ((AssistantReply) t.getPayload()).getText()).toList());
        assertEquals(1, terminals.stream().map(t -> share(t).getCallId()).distinct().count(), "one call");
        for (String turn : turns) {
            assertEquals("gathered", reply(turn).getRoute().getRoute());
        }
    }

    @Test
    @DisplayName("a turn with its own generation settings on a route with a batch window is answered alone, honouring "
        + "them; the others still share one call")
    void turnWithSettingsGoesAlone() {
        List<String> plain = new ArrayList<>();
        for (String word : List.of("alpha", "beta")) {
            plain.add(probe.turn(KafkaProbe.newId(), "#sim: reply=\"" + word + "\"\nSay it", "gathered", false));
        }
        String limited = probe.turnWithGeneration(KafkaProbe.newId(), "#sim: reply=\"one two three four\"\nSay it",
            "gathered", new GenerationSettings(2, null, null, List.of()));
        AssistantReply alone = reply(limited);
        assertNull(alone.getBatch(), "not merged into the batch call");
        assertEquals("one two", alone.getText());
        assertEquals("length", alone.getFinishReason());
        assertEquals(2, alone.getUsage().getCompletionTokens());
        List<LedgerEvent> shared = plain.stream().map(BatchCallsIT::terminal).toList();
        assertEquals(List.of("alpha", "beta"), shared.stream().map(t -> ((AssistantReply) t.getPayload()).getText())
            .toList());
        assertEquals(1, shared.stream().map(t -> share(t).getCallId()).distinct().count(), "one call");
    }

    @Test
    @DisplayName("a single turn on a route without a batch window is not a batch")
    void singleTurnStaysSingle() {
        String turn = probe.turn(KafkaProbe.newId(), "#sim: reply=\"solo\"\nHi");
        AssistantReply reply = reply(turn);
        assertEquals("solo", reply.getText());
        assertNull(reply.getBatch());
        assertNotNull(reply.getUsage());
    }
}
