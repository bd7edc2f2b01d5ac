package dev.parley.ingest.stream;

import dev.parley.ingest.relay.Cursor;

/** A client connection that events are written to (SSE response or WebSocket), used on its own context. */
public interface EventSink {

    /** The transports, as the open-streams meter names them. */
    String SSE = "sse";
    String WEBSOCKET = "websocket";
    String DURABLE = "durable";
    String OPENAI = "openai";

    /** Which transport this is: {@link #SSE}, {@link #WEBSOCKET}, {@link #DURABLE} or {@link #OPENAI}. */
    String transport();

    void send(StreamEvent event);

    /** True while the connection's write queue is full: stop writing until {@link #onDrain}. */
    boolean writeQueueFull();

    /** Calls {@code drained} once when the write queue has room again. */
    void onDrain(Runnable drained);

    /**
     * The feed has handed over all it can for now. {@code upToDate}: it has delivered every record of the session
     * up to the partition's end when it started and everything queued since (only for a feed opened to report it).
     * A sink that sends events in batches sends one here.
     */
    default void batchEnd(boolean upToDate) {
    }

    /** Sends a last {@code error} event telling the client where to resume, then closes the connection. */
    void fail(String code, String message, Cursor resumeFrom);
}
