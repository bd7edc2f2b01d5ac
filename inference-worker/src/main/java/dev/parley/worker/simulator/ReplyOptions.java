package dev.parley.worker.simulator;

/**
 * What a request asks of its reply, read from each protocol's own fields.
 *
 * @param stream       a stream of events rather than one JSON reply
 * @param maxTokens    the cap on reply tokens, 0 for none
 * @param includeUsage whether a streamed OpenAI reply ends with a usage chunk
 */
record ReplyOptions(boolean stream, int maxTokens, boolean includeUsage) {

    ReplyOptions {
        maxTokens = Math.max(0, maxTokens);
    }
}
