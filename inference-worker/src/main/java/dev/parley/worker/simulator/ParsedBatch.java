package dev.parley.worker.simulator;

import dev.parley.worker.batch.BatchPrompt;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch call as the simulator reads it: each agent's message split into its prompt and its own {@code #sim:}
 * directives, and the directives that govern the call as a whole.
 *
 * @param userMessage the batch call's last user message, the agents as JSON ({@link BatchPrompt})
 * @param turns       the agents in batch order
 * @param callWide    what one call can have only once: {@code ttft_ms}, {@code itl_ms}, {@code finish},
 *                    {@code thinking} and the call's fault, each from the first agent whose message sets it
 */
record ParsedBatch(String userMessage, List<Turn> turns, Directives callWide) {

    /** One agent of the call and what its message asks of its own reply. */
    record Turn(BatchPrompt.Agent agent, DirectiveParser.ParsedPrompt prompt) {
    }

    ParsedBatch {
        turns = List.copyOf(turns);
    }

    /**
     * Reads every agent's directives, keeping the lines meant for {@code backend} (as for a single message).
     *
     * @throws DirectiveException naming the first bad key of any agent
     */
    static ParsedBatch read(String userMessage, List<BatchPrompt.Agent> agents, String backend) {
        List<Turn> turns = new ArrayList<>();
        for (BatchPrompt.Agent agent : agents) {
            turns.add(new Turn(agent, DirectiveParser.parse(agent.message(), backend)));
        }
        return new ParsedBatch(userMessage, turns, callWide(turns));
    }

    /** The call as one prompt for {@link ReplyPlanner}: the user message as sent, with the call-wide directives. */
    DirectiveParser.ParsedPrompt prompt() {
        return new DirectiveParser.ParsedPrompt(userMessage, callWide);
    }

    private static Directives callWide(List<Turn> turns) {
        Long ttftMs = null;
        Long itlMs = null;
        Fault fault = null;
        String finish = null;
        Integer thinking = null;
        for (Turn turn : turns) {
            Directives d = turn.prompt().directives();
            ttftMs = ttftMs != null ? ttftMs : d.ttftMs();
            itlMs = itlMs != null ? itlMs : d.itlMs();
            fault = fault != null ? fault : d.fault();
            finish = finish != null ? finish : d.finish();
            thinking = thinking != null ? thinking : d.thinking();
        }
        return new Directives(null, null, ttftMs, itlMs, fault, finish, false, thinking, null);
    }
}
