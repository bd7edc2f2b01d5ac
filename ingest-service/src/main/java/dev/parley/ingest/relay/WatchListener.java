package dev.parley.ingest.relay;

import org.apache.kafka.common.header.Headers;

/**
 * Receives one watcher's records. Every callback runs on the relay's thread, which serves every
 * other watcher of the topic too: hand the work to another thread and return at once.
 */
public interface WatchListener<V> {

    /** The watcher is positioned; {@code startOffset} is the first offset it can receive. Called once, first. */
    default void onStart(long startOffset) {
    }

    /**
     * A record of the watched session, in offset order, each offset at most once. Returns false when
     * the watcher cannot take it now: the relay then holds the watcher at this record, serving the
     * others, until {@link Watch#resumeDelivery()}.
     */
    boolean onRecord(long offset, V value);

    /** {@link #onRecord(long, Object)} with the record's headers, for listeners that read them. */
    default boolean onRecord(long offset, V value, Headers headers) {
        return onRecord(offset, value);
    }

    /** The partition has been read up to the end offset it had when the watcher registered (if asked for). */
    default void onCaughtUp() {
    }

    /** The watcher could not be registered or the relay stopped; nothing follows. */
    void onFailure(Throwable error);
}
