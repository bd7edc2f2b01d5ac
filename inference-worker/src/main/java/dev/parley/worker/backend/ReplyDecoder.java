package dev.parley.worker.backend;

import io.vertx.core.buffer.Buffer;

/** Turns a streamed reply's bytes, split anywhere, into {@link ReplyEvents}; one per generation, one thread at a time. */
interface ReplyDecoder {

    /**
     * Decodes the next piece of the response body.
     *
     * @throws BackendException for an error event or malformed data
     */
    void feed(Buffer bytes);

    /** The response body has ended; decodes what is left of it. */
    void end();
}
