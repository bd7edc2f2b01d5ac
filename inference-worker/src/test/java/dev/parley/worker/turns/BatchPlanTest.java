package dev.parley.worker.turns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.BatchTag;
import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.batch.BatchPrompt;
import dev.parley.worker.catalogue.Route;
import dev.parley.worker.routing.RouteDecision;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

    private static TurnTask task(String session, String text, BatchTag tag) {
        return new TurnTask(0, 0, session, "turn-" + session, text, List.of(), null, false, null, null, tag, null,
            false, "test", new TurnHops(0, 0, Span.getInvalid()), ended -> { });
    }

    private static BatchTag tag(int position, String agent, String state) {
        return BatchTag.newBuilder().setBatchId("b1").setAgent(agent).setPosition(position).setAgents(2)
            .setState(state).setInstructions("Stay in character.").build();
    }

    @Test
    @DisplayName("the prompt: the shared system prompt once, the format and instructions once, then each agent with its state and recent history")
    void prompt() {
        TurnTask ann = task("s1", "Where is the rope?", tag(0, "ann", "{\"hp\":7}"));
        TurnTask bob = task("s2", "Guard!", tag(1, "bob", null));
        List<ChatMessage> annContext = new ArrayList<>(List.of(ChatMessage.system("You are a game."),
            ChatMessage.user("earlier"), ChatMessage.assistant("reply")));
        for (int i = 0; i < 10; i++) {
            annContext.add(ChatMessage.user("old " + i));
        }
        annContext.add(ChatMessage.user("Where is the rope?"));
        List<ChatMessage> bobContext = List.of(ChatMessage.system("You are a game."), ChatMessage.user("Guard!"));
        BatchPlan plan = BatchPlan.of(new RouteDecision("default", "default"), Route.of("default", List.of("sim")),
            name -> null, List.of(ann, bob), List.of(annContext, bobContext), false, null);

        List<ChatMessage> messages = plan.request().messages();
        assertEquals(3, messages.size());
        assertEquals(ChatMessage.system("You are a game."), messages.get(0));
        assertEquals(BatchPrompt.FORMAT + "\n\nStay in character.", messages.get(1).content());
        List<BatchPrompt.Agent> agents = BatchPrompt.parse(messages.get(2).content()).orElseThrow();
        assertEquals(List.of("ann", "bob"), agents.stream().map(BatchPrompt.Agent::agent).toList());
        assertEquals("{\"hp\":7}", agents.get(0).state());
        assertEquals("Where is the rope?", agents.get(0).message());
        assertEquals(BatchPlan.HISTORY_MESSAGES, agents.get(0).history().size(), "the latest messages only");
        assertEquals("old 9", agents.get(0).history().get(BatchPlan.HISTORY_MESSAGES - 1).content());
        assertTrue(agents.get(1).history().isEmpty());
        assertEquals(List.of("ann", "bob"), plan.agents());
        int total = messages.stream().mapToInt(m -> m.content().length()).sum();
        assertEquals(total, plan.sharedChars() + plan.agentChars()[0] + plan.agentChars()[1]);
    }

    @Test
    @DisplayName("turns of a route that batches are named t1, t2, ... and agents with the same name stay apart")
    void names() {
        List<ChatMessage> context = List.of(ChatMessage.user("x"));
        BatchPlan plan = BatchPlan.of(new RouteDecision("npc", "requested"), Route.of("npc", List.of("sim")),
            name -> null, List.of(task("a", "x", null), task("b", "x", null)), List.of(context, context), false, null);
        assertEquals(List.of("t1", "t2"), plan.agents());
        assertEquals(2, plan.request().messages().size(), "no shared system prompt when the contexts have none");
    }

    @Test
    @DisplayName("usage splits into whole tokens that add up exactly, in proportion to the weights")
    void split() {
        assertArrayEquals(new long[] {50, 30, 20}, BatchCall.split(100, new long[] {5, 3, 2}));
        long[] parts = BatchCall.split(10, new long[] {1, 1, 1});
        assertEquals(10, parts[0] + parts[1] + parts[2]);
        assertArrayEquals(new long[] {0, 0}, BatchCall.split(0, new long[] {4, 0}));
    }

    @Test
    @DisplayName("the batcher lets a client batch go as soon as all of it is there, and a route's window when it times out")
    void batcher() throws Exception {
        List<List<TurnTask>> due = new CopyOnWriteArrayList<>();
        try (Batcher batcher = new Batcher(due::add)) {
            TurnTask second = task("s2", "x", tag(1, "bob", null));
            TurnTask first = task("s1", "x", tag(0, "ann", null));
            batcher.offer("batch:b1", dev.parley.worker.catalogue.BatchWindow.EXPLICIT, 2, second);
            assertTrue(due.isEmpty());
            batcher.offer("batch:b1", dev.parley.worker.catalogue.BatchWindow.EXPLICIT, 2, first);
            assertEquals(List.of(List.of(first, second)), due, "complete: at once, in batch order");

            TurnTask lone = task("s3", "x", null);
            batcher.offer("route:npc", new dev.parley.worker.catalogue.BatchWindow(8,
                java.time.Duration.ofMillis(20), false), Integer.MAX_VALUE, lone);
            org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> due.size() == 2);
            assertEquals(List.of(lone), due.get(1));
            assertEquals(0, batcher.waiting());
        }
    }
}
