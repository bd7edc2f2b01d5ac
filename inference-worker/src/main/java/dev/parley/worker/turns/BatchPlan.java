package dev.parley.worker.turns;

import dev.parley.avro.BatchTag;
import dev.parley.avro.PersonaRef;
import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.backend.ChatRequest;
import dev.parley.worker.batch.BatchPrompt;
import dev.parley.worker.catalogue.Route;
import dev.parley.worker.resilience.GuardedBackend;
import dev.parley.worker.routing.RouteDecision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * How one batch call answers its turns: the route (its first stage's backends, primary then fallbacks), the agents'
 * names in prompt order, and the one request. The prompt begins with the system messages every agent's context
 * begins with (the persona block when all the agents' sessions name the same persona ({@code persona}, else null),
 * and the configured system prompt), then {@link BatchPrompt}'s format and the shared instructions, then
 * the agents: each with its state and the last {@value #HISTORY_MESSAGES} messages of its session.
 *
 * @param agents     each turn's agent name, in the order of {@code tasks}
 * @param agentChars the characters of each agent's part of the prompt (its share of the prompt tokens)
 * @param sharedChars the characters of the prompt's shared part (split evenly)
 */
record BatchPlan(RouteDecision decision, Route route, Function<String, GuardedBackend> backends,
                 List<TurnTask> tasks, List<String> agents, ChatRequest request, int[] agentChars, int sharedChars,
                 boolean spotlight, PersonaRef persona) {

    /** How many of an agent's latest session messages its entry carries. */
    static final int HISTORY_MESSAGES = 6;

    static BatchPlan of(RouteDecision decision, Route route, Function<String, GuardedBackend> backends,
                        List<TurnTask> tasks, List<List<ChatMessage>> contexts, boolean spotlight,
                        PersonaRef persona) {
        List<ChatMessage> prefix = commonPrefix(contexts);
        List<String> names = names(tasks);
        List<BatchPrompt.Agent> agents = new ArrayList<>();
        int[] agentChars = new int[tasks.size()];
        String instructions = null;
        for (int i = 0; i < tasks.size(); i++) {
            TurnTask task = tasks.get(i);
            BatchTag tag = task.batch();
            List<ChatMessage> context = contexts.get(i);
            List<ChatMessage> history = context.subList(prefix.size(), Math.max(prefix.size(), context.size() - 1));
            history = history.subList(Math.max(0, history.size() - HISTORY_MESSAGES), history.size());
            BatchPrompt.Agent agent = new BatchPrompt.Agent(names.get(i), tag == null ? null : tag.getState(),
                task.userText(), history);
            agents.add(agent);
            agentChars[i] = BatchPrompt.agentsJson(List.of(agent)).length();
            if (instructions == null && tag != null) {
                instructions = tag.getInstructions();
            }
        }
        List<ChatMessage> messages = BatchPrompt.messages(prefix, instructions, agents);
        int total = messages.stream().mapToInt(m -> m.content().length()).sum();
        int shared = Math.max(0, total - Arrays.stream(agentChars).sum());
        ChatRequest request = new ChatRequest(null, messages).withTraceparent(tasks.get(0).hops().traceparent())
            .withJsonSchema(BatchPrompt.SCHEMA);
        return new BatchPlan(decision, route, backends, List.copyOf(tasks), names, request, agentChars, shared,
            spotlight, persona);
    }

    /** The backends of the route's first stage, in order (a staged route answers a batch with its first stage). */
    List<String> backendNames() {
        return route.stages().get(0).backends();
    }

    /** The leading system messages every context starts with, byte for byte. */
    private static List<ChatMessage> commonPrefix(List<List<ChatMessage>> contexts) {
        List<ChatMessage> first = contexts.get(0);
        int common = 0;
        outer:
        while (common < first.size() - 1 && "system".equals(first.get(common).role())) {
            for (List<ChatMessage> context : contexts) {
                if (context.size() - 1 <= common || !context.get(common).equals(first.get(common))) {
                    break outer;
                }
            }
            common++;
        }
        return List.copyOf(first.subList(0, common));
    }

    /** The batch's own agent names; a turn without one (a route that batches) is {@code t1}, {@code t2}, ... */
    private static List<String> names(List<TurnTask> tasks) {
        List<String> names = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < tasks.size(); i++) {
            BatchTag tag = tasks.get(i).batch();
            String name = tag == null ? "t" + (i + 1) : tag.getAgent();
            while (!used.add(name)) {
                name = name + "'";
            }
            names.add(name);
        }
        return names;
    }
}
