package dev.parley.worker.simulator;

/**
 * The {@code #sim:} settings of one request; a null component means "not given, use the simulator's default".
 *
 * @param reply   the exact reply text
 * @param tokens  reply length in tokens when the text is generated
 * @param ttftMs  time to first token
 * @param itlMs   inter-token latency
 * @param fault   the failure to play
 * @param finish  the finish_reason: stop or length
 * @param echo    reply with the request's messages as JSON, so a test sees exactly what context the model got
 * @param thinking words of a thinking block before the reply (Anthropic only; the other protocols have none)
 * @param batch    how this agent's object goes wrong in a batch call's reply (ignored outside a batch call)
 */
record Directives(String reply, Integer tokens, Long ttftMs, Long itlMs, Fault fault, String finish, boolean echo,
                  Integer thinking, BatchFault batch) {

    static final Directives NONE = new Directives(null, null, null, null, null, null, false, null, null);

    Directives withoutFault() {
        return new Directives(reply, tokens, ttftMs, itlMs, null, finish, echo, thinking, batch);
    }
}
