package dev.parley.worker.simulator;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.parley.worker.batch.BatchPrompt;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans a batch call's reply: the JSON array {@code [{"agent":"a","reply":"..."}, ...]} in the agents' order, as
 * stream tokens (each object's opening and closing as tokens of their own, the reply's tokens JSON-escaped between
 * them, so a client sees the objects complete one after another), with each agent's {@code batch=} fault played.
 * Each reply is what the simulator answers to that agent's message alone; the protocol's encoder does the rest.
 */
final class BatchReplyPlanner {

    /** The agent of the object {@code batch=extra} adds: not one of the batch. */
    static final String STRANGER = "stranger";
    static final String STRANGER_REPLY = "I was not asked, but here I am.";

    private final ReplyPlanner planner;

    BatchReplyPlanner(ReplyPlanner planner) {
        this.planner = planner;
    }

    /**
     * @param fault the call's fault (the first agent's that sets one, or the configured default), never a status fault;
     *              a {@code batch=cut} that strikes earlier replaces it
     */
    ReplyPlan plan(Protocol protocol, ReplyOptions options, JsonArray messages, ParsedBatch call, Fault fault,
                   PrefixCache.Use cache) {
        ArrayTokens array = new ArrayTokens();
        int cutAfter = -1;
        for (ParsedBatch.Turn turn : call.turns()) {
            BatchFault batchFault = turn.prompt().directives().batch();
            if (batchFault == BatchFault.OMIT) {
                continue;
            }
            String agent = turn.agent().agent();
            List<String> reply = planner.replyTokens(turn.prompt(), () -> echo(turn.agent()));
            if (batchFault == BatchFault.CUT && cutAfter < 0) {
                // after the object's opening and half its reply: the object never completes
                cutAfter = array.size() + 1 + (reply.size() + 1) / 2;
            }
            array.object(agent, reply, batchFault == BatchFault.MALFORMED);
            if (batchFault == BatchFault.DUPLICATE) {
                array.object(agent, reply, false);
            } else if (batchFault == BatchFault.EXTRA) {
                array.object(STRANGER, ReplyText.split(STRANGER_REPLY), false);
            }
        }
        Fault cut = cutAfter < 0 ? null : new Fault(Fault.Kind.DISCONNECT_AFTER, cutAfter);
        Fault played = cut == null || fault != null && fault.value() <= cut.value() ? fault : cut;
        return planner.plan(protocol, options, messages, call.prompt(), array.close(), played, cache);
    }

    /** What {@code #sim: echo} answers for one agent: its own entry of the batch, name, state and message. */
    private static String echo(BatchPrompt.Agent agent) {
        JsonObject entry = new JsonObject().put("agent", agent.agent());
        if (agent.state() != null) {
            entry.put("state", Json.decodeValue(agent.state()));
        }
        return entry.put("message", agent.message()).encode();
    }

    /** The array's tokens, built object by object. */
    private static final class ArrayTokens {

        private final List<String> tokens = new ArrayList<>();

        int size() {
            return tokens.size();
        }

        /** One object; a malformed one lacks its reply's closing quote. */
        void object(String agent, List<String> reply, boolean malformed) {
            tokens.add((tokens.isEmpty() ? "[" : ",") + "{\"agent\":\"" + escape(agent) + "\",\"reply\":\"");
            for (String token : reply) {
                tokens.add(escape(token));
            }
            tokens.add(malformed ? "}" : "\"}");
        }

        List<String> close() {
            tokens.add(tokens.isEmpty() ? "[]" : "]");
            return tokens;
        }

        /** A string's JSON escape, without quotes; escaping token by token gives the escape of the whole text. */
        private static String escape(String text) {
            return new String(JsonStringEncoder.getInstance().quoteAsString(text));
        }
    }
}
