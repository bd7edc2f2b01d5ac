package dev.parley.ingest.relay;

/** One registered interest in a session's records; {@link #cancel()} it when the connection or lookup ends. */
public final class Watch<V> {

    private final TopicRelay<V> relay;
    private final String sessionId;
    private final int partition;
    private final StartPosition start;
    private final boolean reportCaughtUp;
    private final WatchListener<V> listener;
    private volatile boolean cancelled;

    /** The next offset this watcher may receive; owned by the relay thread. */
    long nextOffset = -1;
    /** Refused a record and waits for {@link #resumeDelivery()}; owned by the relay thread. */
    boolean suspended;

    Watch(TopicRelay<V> relay, String sessionId, int partition, StartPosition start, boolean reportCaughtUp,
          WatchListener<V> listener) {
        this.relay = relay;
        this.sessionId = sessionId;
        this.partition = partition;
        this.start = start;
        this.reportCaughtUp = reportCaughtUp;
        this.listener = listener;
    }

    /** Stops delivery; safe from any thread and more than once. A record already in flight may still arrive. */
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            relay.unregister(this);
        }
    }

    /** After the listener refused a record: deliver again from that record (the relay seeks back if needed). */
    public void resumeDelivery() {
        if (!cancelled) {
            relay.resumeDelivery(this);
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public String sessionId() {
        return sessionId;
    }

    public int partition() {
        return partition;
    }

    StartPosition start() {
        return start;
    }

    boolean reportCaughtUp() {
        return reportCaughtUp;
    }

    WatchListener<V> listener() {
        return listener;
    }
}
