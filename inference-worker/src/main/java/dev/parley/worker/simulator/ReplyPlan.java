package dev.parley.worker.simulator;

import java.util.List;

/**
 * Everything one request will get, decided before the first byte is sent.
 *
 * @param tokens       the reply, token by token
 * @param ttftMs       delay before the first token
 * @param itlMs        delay between tokens
 * @param fault        the failure to play (never {@link Fault.Kind#STATUS}, answered up front), or null
 * @param finishReason stop or length
 * @param promptTokens a word count of the request's messages, reported as usage
 * @param stream       SSE chunks rather than one JSON reply
 * @param includeUsage whether a streamed reply ends with a usage chunk
 */
record ReplyPlan(List<String> tokens, long ttftMs, long itlMs, Fault fault, String finishReason, int promptTokens,
                 boolean stream, boolean includeUsage) {

    ReplyPlan {
        tokens = List.copyOf(tokens);
    }

    String text() {
        return String.join("", tokens);
    }
}
