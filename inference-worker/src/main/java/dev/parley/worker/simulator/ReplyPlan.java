package dev.parley.worker.simulator;

import java.util.List;

/**
 * Everything one request will get, decided before the first byte is sent; the same for every protocol.
 *
 * @param tokens       the reply, token by token
 * @param thinking     words of a thinking block played before the reply (empty unless the protocol has one)
 * @param ttftMs       delay before the first token
 * @param itlMs        delay between tokens (thinking words included)
 * @param fault        the failure to play (never {@link Fault.Kind#STATUS}, answered up front), or null
 * @param finishReason stop or length, in OpenAI's words; each encoder translates it
 * @param promptTokens a word count of the request's messages, reported as usage
 * @param stream       a stream of events rather than one JSON reply
 * @param includeUsage whether a streamed OpenAI reply ends with a usage chunk
 * @param cache        of the prompt tokens, those read from the prompt cache and written to it
 * @param stopSequence the request's stop sequence that ended the reply (finish reason stop), or null
 */
record ReplyPlan(List<String> tokens, List<String> thinking, long ttftMs, long itlMs, Fault fault,
                 String finishReason, int promptTokens, boolean stream, boolean includeUsage, PrefixCache.Use cache,
                 String stopSequence) {

    static final String STOP = "stop";
    static final String LENGTH = "length";

    ReplyPlan {
        tokens = List.copyOf(tokens);
        thinking = List.copyOf(thinking);
    }

    String text() {
        return String.join("", tokens);
    }

    String thinkingText() {
        return String.join("", thinking);
    }

    /** How long streaming the whole reply takes: what a non-streaming request waits. */
    long generationMillis() {
        return ttftMs + itlMs * Math.max(0, thinking.size() + tokens.size() - 1);
    }
}
