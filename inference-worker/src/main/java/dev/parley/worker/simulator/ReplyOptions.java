package dev.parley.worker.simulator;

import java.util.List;

/**
 * What a request asks of its reply, read from each protocol's own fields.
 *
 * @param stream       a stream of events rather than one JSON reply
 * @param maxTokens    the cap on reply tokens, 0 for none
 * @param includeUsage whether a streamed OpenAI reply ends with a usage chunk
 * @param stop         sequences that end the reply before them (OpenAI's {@code stop}, Ollama's
 *                     {@code options.stop}, Anthropic's {@code stop_sequences}); empty for none
 */
record ReplyOptions(boolean stream, int maxTokens, boolean includeUsage, List<String> stop) {

    ReplyOptions {
        maxTokens = Math.max(0, maxTokens);
        stop = stop.stream().filter(sequence -> !sequence.isEmpty()).toList();
    }

    ReplyOptions(boolean stream, int maxTokens, boolean includeUsage) {
        this(stream, maxTokens, includeUsage, List.of());
    }
}
