package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.IngestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated batch ({@code POST /v1/batches/turns}): 1 to the most agents allowed, each in a session of its own and
 * with a name of its own, each with a text and an optional state; instructions and a route shared by all.
 *
 * @param instructions what every agent's turn shares, or null
 * @param route        the route asked for by name, as for a single turn, or null
 * @param retryAlone   an agent the batch call gives no valid answer is answered again alone, not failed
 */
public record BatchRequest(String instructions, String route, boolean retryAlone, List<Agent> agents) {

    /** The longest agent name: the backend repeats it in its answer for each agent. */
    static final int MAX_AGENT_NAME_CHARS = 64;

    /**
     * One agent's turn.
     *
     * @param agent its name in the batch, {@code agent-<index>} when the request gave none
     * @param state its state as compact JSON, or null when the request gave none
     */
    public record Agent(String sessionId, String agent, String text, String state) {
    }

    public BatchRequest {
        agents = List.copyOf(agents);
    }

    /**
     * Parses a request body; throws 400 invalid_json, missing_text, bad_route or bad_request, or 413 turn_too_large
     * for a text, a state (as compact JSON) or instructions over {@code maxTurnBytes} UTF-8 bytes, or an agent's text
     * and state with the instructions over {@link IngestConfig#MAX_TURN_BYTES_LIMIT} (its UserTurn carries all three).
     */
    public static BatchRequest parse(Buffer body, int maxTurnBytes, int maxAgents) {
        JsonObject json = TurnRequest.jsonObject(body, "a JSON object with an agents array");
        String instructions = instructions(json.getValue("instructions"), maxTurnBytes);
        String route = TurnRequest.route(json.getValue("route"));
        Object retryAlone = json.getValue("retryAlone");
        if (retryAlone != null && !(retryAlone instanceof Boolean)) {
            throw ApiException.badRequest("bad_request", "retryAlone must be true or false");
        }
        if (!(json.getValue("agents") instanceof JsonArray array) || array.isEmpty() || array.size() > maxAgents) {
            throw ApiException.badRequest("bad_request", "agents must be an array of 1 to " + maxAgents + " agents");
        }
        List<Agent> agents = new ArrayList<>(array.size());
        Map<String, Integer> sessions = new HashMap<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < array.size(); i++) {
            Agent agent = agent(array.getValue(i), "agents[" + i + "]", i, maxTurnBytes);
            fitsOneRecord(agent, instructions, "agents[" + i + "]");
            unique(sessions, agent.sessionId(), i, "sessionId", "a batch has one turn per session");
            unique(names, agent.agent(), i, "agent", "agent names are unique in a batch");
            agents.add(agent);
        }
        return new BatchRequest(instructions, route, Boolean.TRUE.equals(retryAlone), agents);
    }

    private static Agent agent(Object value, String name, int index, int maxTurnBytes) {
        if (!(value instanceof JsonObject json)) {
            throw ApiException.badRequest("bad_request", name + " must be a JSON object");
        }
        if (!(json.getValue("sessionId") instanceof String sessionId) || sessionId.isBlank()) {
            throw ApiException.badRequest("bad_request", name + ".sessionId must be a non-empty string");
        }
        Object agent = json.getValue("agent");
        if (agent != null && !(agent instanceof String string && !string.isBlank()
                && string.length() <= MAX_AGENT_NAME_CHARS)) {
            throw ApiException.badRequest("bad_request", name + ".agent must be a non-empty string of at most "
                    + MAX_AGENT_NAME_CHARS + " characters");
        }
        String text = TurnRequest.text(json.getValue("text"), name + ".text", maxTurnBytes);
        return new Agent(sessionId, agent == null ? "agent-" + index : (String) agent, text,
                state(json.getValue("state"), name + ".state", maxTurnBytes));
    }

    /** Any JSON value re-encoded compactly; JSON null counts as absent. */
    private static String state(Object state, String name, int maxTurnBytes) {
        return state == null ? null : TurnRequest.withinLimit(Json.encode(state), name + " as compact JSON",
                maxTurnBytes);
    }

    /** Optional; JSON null counts as absent. */
    private static String instructions(Object instructions, int maxTurnBytes) {
        if (instructions == null) {
            return null;
        }
        if (!(instructions instanceof String string)) {
            throw ApiException.badRequest("bad_request", "instructions must be a string");
        }
        return TurnRequest.withinLimit(string, "instructions", maxTurnBytes);
    }

    private static void fitsOneRecord(Agent agent, String instructions, String name) {
        long bytes = utf8Bytes(agent.text()) + utf8Bytes(agent.state()) + utf8Bytes(instructions);
        if (bytes > IngestConfig.MAX_TURN_BYTES_LIMIT) {
            throw new ApiException(413, "turn_too_large", name + "'s text and state and the instructions are "
                    + bytes + " UTF-8 bytes; a turn must fit in one Kafka record: the limit is "
                    + IngestConfig.MAX_TURN_BYTES_LIMIT);
        }
    }

    private static int utf8Bytes(String value) {
        return value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void unique(Map<String, Integer> seen, String value, int index, String field, String why) {
        Integer earlier = seen.putIfAbsent(value, index);
        if (earlier != null) {
            throw ApiException.badRequest("bad_request", "agents[" + index + "]." + field + " is the same as agents["
                    + earlier + "]'s: " + why);
        }
    }
}
