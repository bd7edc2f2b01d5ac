package dev.parley.worker.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.worker.backend.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one home of a batch call's prompt: what the worker asks the backend and what the simulator reads back. The
 * system message holds the answer format and the batch's shared instructions, once; the user message is compact
 * JSON, {@code {"agents":[{"agent":"a","state":{...},"history":[{"role":..,"content":..}],"message":"..."}, ...]}},
 * the agents in batch order (state and history only when there are some). The backend
 * answers a JSON array of {@code {"agent":"a","reply":"..."}} objects ({@link BatchReplyParser} reads it).
 */
public final class BatchPrompt {

    /** The answer format, first in the system message: terse, the same bytes in every batch call. */
    public static final String FORMAT = "You answer several agents at once. The user message is JSON: agents, each "
        + "with its name, optional state and message. Reply with only a JSON array, one object per agent in the "
        + "same order: [{\"agent\":\"<name>\",\"reply\":\"<its reply>\"}]. No text outside the array.";

    /**
     * The answer's JSON Schema, for a backend that holds its output to one (Ollama's {@code format}). OpenAI's
     * structured outputs need an object at the root, so an OpenAI-compatible backend gets the prompt's words alone.
     */
    public static final String SCHEMA = "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":"
        + "{\"agent\":{\"type\":\"string\"},\"reply\":{\"type\":\"string\"}},\"required\":[\"agent\",\"reply\"]}}";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One agent's part of the prompt: its name, its state as compact JSON (or null), what it says, and the last
     * messages of its session before that (oldest first; may be empty).
     */
    public record Agent(String agent, String state, String message, List<ChatMessage> history) {

        public Agent {
            history = List.copyOf(history);
        }

        public Agent(String agent, String state, String message) {
            this(agent, state, message, List.of());
        }
    }

    private BatchPrompt() {
    }

    /**
     * The batch call's messages: {@code prefix} first (a persona block: may be empty), then the format and the shared
     * instructions (null or blank: none), then the agents.
     */
    public static List<ChatMessage> messages(List<ChatMessage> prefix, String instructions, List<Agent> agents) {
        List<ChatMessage> messages = new ArrayList<>(prefix);
        String system = instructions == null || instructions.isBlank() ? FORMAT : FORMAT + "\n\n" + instructions.strip();
        messages.add(ChatMessage.system(system));
        messages.add(ChatMessage.user(agentsJson(agents)));
        return messages;
    }

    /** The user message: the agents as compact JSON, in order. A state that is not valid JSON goes in as a string. */
    public static String agentsJson(List<Agent> agents) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("agents");
        for (Agent agent : agents) {
            ObjectNode node = array.addObject().put("agent", agent.agent());
            if (agent.state() != null) {
                node.set("state", stateNode(agent.state()));
            }
            if (!agent.history().isEmpty()) {
                ArrayNode history = node.putArray("history");
                agent.history().forEach(m -> history.addObject().put("role", m.role()).put("content", m.content()));
            }
            node.put("message", agent.message());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The agents of a batch call's user message, or empty when {@code userMessage} is not one (the simulator's test
     * for "answer as a batch"). States come back as compact JSON.
     */
    public static Optional<List<Agent>> parse(String userMessage) {
        if (userMessage == null || !userMessage.startsWith("{\"agents\":[")) {
            return Optional.empty();
        }
        try {
            JsonNode agents = JSON.readTree(userMessage).path("agents");
            List<Agent> parsed = new ArrayList<>();
            for (JsonNode node : agents) {
                JsonNode state = node.get("state");
                List<ChatMessage> history = new ArrayList<>();
                node.path("history").forEach(m -> history.add(new ChatMessage(m.path("role").asText(),
                    m.path("content").asText())));
                parsed.add(new Agent(node.path("agent").asText(), state == null ? null : JSON.writeValueAsString(state),
                    node.path("message").asText(), history));
            }
            return Optional.of(List.copyOf(parsed));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static JsonNode stateNode(String state) {
        try {
            return JSON.readTree(state);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(state);
        }
    }
}
