package dev.parley.worker.simulator;

/**
 * Writes one reply in one wire protocol; {@link SimulatedReply} decides what happens when, this decides the bytes.
 * One instance per request, so an encoder may remember what it has already opened (Anthropic's content blocks).
 */
interface ReplyEncoder {

    /** The Content-Type of a streamed reply. */
    String streamContentType();

    /** What precedes the first token, sent when the time to first token is over; may be empty. */
    String open();

    /** One word of a thinking block; only called when the plan has thinking words. */
    default String thinking(String word) {
        throw new UnsupportedOperationException("this protocol has no thinking blocks");
    }

    /** One token of the reply. */
    String token(String token);

    /** The normal end of a stream, after {@code sent} tokens. */
    String end(int sent);

    /** The in-stream error a {@code fail_after} fault sends just before the response ends. */
    String streamError(int sent);

    /** The JSON text of the whole reply of a non-streaming request. */
    String whole();

    /** The message of a {@code fail_after} failure, where the protocol's error has room for one of ours. */
    static String failure(int sent) {
        return "simulated failure after " + sent + " tokens";
    }
}
