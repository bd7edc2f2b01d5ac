package dev.parley.ingest.relay;

import dev.parley.schemas.telemetry.ServiceMetrics;
import dev.parley.schemas.serde.DecodeFailures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one topic for many watchers with one consumer on one thread, assigning only the partitions
 * that currently have watchers, and hands each watcher the records of its session exactly once, in order.
 */
public final class TopicRelay<V> implements AutoCloseable {

    // How duplicates and gaps are avoided: each watcher has a nextOffset and receives only records
    // of its session at or after it, then moves it past the record. A new watcher that needs an
    // older position seeks the whole partition back; the watchers already served skip what they had.
    //
    // Flow control without stalling anyone else: a watcher whose client cannot keep up refuses a
    // record and is suspended at it while the partition goes on for the others. When it has room
    // again it is resumed exactly like a newcomer at its nextOffset (seek back, others skip).
    //
    // Threading: the consumer is not thread-safe, so only the relay thread touches it. Other
    // threads queue commands and wake the poll. KafkaConsumer.wakeup() also aborts the next blocking
    // metadata call, so those calls are retried when woken. Where a newcomer starts is looked up by
    // the OffsetResolver, on its own thread and connection; the relay thread only seeks.
    //
    // The relay commits nothing (no group): a record it cannot decode is logged, counted and skipped.
    // A registry outage is different (the record is fine, the schema just cannot be fetched): the
    // partition pauses and retries, so no watcher loses a record to a transient failure.

    private static final Logger log = LoggerFactory.getLogger(TopicRelay.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    private static final long IDLE_WAIT_MS = 1_000;
    private static final long DECODE_RETRY_MS = 1_000;
    private static final long ERROR_BACKOFF_MS = 1_000;

    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    private final OffsetResolver offsets;
    private final Deserializer<V> deserializer;
    private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final Map<Integer, PartitionWatchers<V>> partitions = new HashMap<>();
    private final Map<TopicPartition, Long> pausedUntilNanos = new HashMap<>();
    private final AtomicLong undecodable = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Set<Integer> assigned = Set.of();

    /**
     * Starts the relay thread. The relay owns {@code consumer} (manual assignment, byte[] keys and
     * values), which reads, and {@code lookups}, which only looks up where new watchers start, and closes both.
     */
    public TopicRelay(String name, String topic, Consumer<byte[], byte[]> consumer, Consumer<byte[], byte[]> lookups,
                      Deserializer<V> deserializer) {
        this.topic = topic;
        this.consumer = consumer;
        this.offsets = new OffsetResolver(name, topic, lookups);
        this.deserializer = deserializer;
        this.thread = new Thread(this::run, "parley-relay-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Registers a watcher of {@code sessionId}'s records in {@code partition} from {@code start}.
     * With {@code reportCaughtUp}, {@link WatchListener#onCaughtUp()} says when everything up to the
     * partition's end offset at registration has been delivered: how a lookup knows "not found".
     */
    public Watch<V> watch(String sessionId, int partition, StartPosition start, boolean reportCaughtUp,
                          WatchListener<V> listener) {
        Watch<V> watch = new Watch<>(this, sessionId, partition, start, reportCaughtUp, listener);
        if (!running) {
            listener.onFailure(new IllegalStateException("the relay for " + topic + " is stopped"));
            return watch;
        }
        offsets.resolve(partition, start).whenComplete((resolved, error) ->
                submit(() -> register(watch, resolved, error)));
        return watch;
    }

    /** Exposes the relay consumer's own metrics (fetch latency, records lag) on {@code metrics}. */
    public void bindMetrics(ServiceMetrics metrics) {
        metrics.bind(consumer);
    }

    /** Records skipped because they could not be decoded, since start. */
    public long undecodableRecords() {
        return undecodable.get();
    }

    /** The partitions currently assigned, i.e. the ones with at least one watcher. */
    public Set<Integer> assignedPartitions() {
        return assigned;
    }

    public String topic() {
        return topic;
    }

    void resumeDelivery(Watch<V> watch) {
        if (running) {
            submit(() -> resume(watch));
        }
    }

    void unregister(Watch<V> watch) {
        if (running) {
            submit(() -> remove(watch));
        }
    }

    private void submit(Runnable command) {
        commands.add(command);
        try {
            consumer.wakeup();
        } catch (RuntimeException e) {
            // the consumer is closing: the command is failed or dropped by stopped()
        }
    }

    /** Stops the thread, tells every watcher, closes the consumer. */
    @Override
    public void close() {
        offsets.close(); // fails the lookups in flight; their watchers hear it from the relay thread below
        running = false;
        commands.add(() -> { }); // wakes the thread when it idles on the command queue
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("Relay thread for {} did not stop within 10 s", topic);
        }
    }

    private void run() {
        try {
            while (running) {
                runCommands(partitions.isEmpty() ? IDLE_WAIT_MS : 0);
                if (running && !partitions.isEmpty()) {
                    pollOnce();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped();
        }
    }

    private void pollOnce() throws InterruptedException {
        try {
            resumeDuePartitions();
            ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout());
            deliver(records);
            reportCaughtUp();
        } catch (WakeupException e) {
            // a command arrived: run it before polling again
        } catch (KafkaException e) {
            log.warn("Relay for {} could not poll, retrying in {} ms", topic, ERROR_BACKOFF_MS, e);
            runCommands(ERROR_BACKOFF_MS);
        }
    }

    private void runCommands(long waitMs) throws InterruptedException {
        Runnable command = waitMs > 0 ? commands.poll(waitMs, TimeUnit.MILLISECONDS) : commands.poll();
        while (command != null) {
            try {
                command.run();
            } catch (RuntimeException e) {
                log.error("Relay command for {} failed", topic, e);
            }
            command = commands.poll();
        }
    }

    private void register(Watch<V> watch, OffsetResolver.Resolved resolved, Throwable error) {
        if (watch.isCancelled()) {
            return;
        }
        if (!running) {
            watch.listener().onFailure(new IllegalStateException("the relay for " + topic + " is stopped"));
            return;
        }
        if (error != null) {
            // the resolver completes its own future, so this is the lookup's exception itself
            log.debug("Cannot register a watcher on {}-{}: {}", topic, watch.partition(), error.toString());
            watch.listener().onFailure(error);
            return;
        }
        TopicPartition tp = new TopicPartition(topic, watch.partition());
        PartitionWatchers<V> watchers = partitions.get(watch.partition());
        long start = resolved.start();
        try {
            if (watchers == null) {
                watchers = new PartitionWatchers<>(tp, start);
                partitions.put(tp.partition(), watchers);
                reassign();
                consumer.seek(tp, start);
            } else {
                long position = uninterrupted(() -> consumer.position(tp, METADATA_TIMEOUT));
                if (watch.start() instanceof StartPosition.End) {
                    // "only what comes next": where the relay is now, if it moved on since the lookup
                    start = Math.max(start, position);
                } else if (start < position && !watchers.mayHaveRecords(watch.sessionId(), start)) {
                    // the relay read everything since then and none of it was this session's, e.g. a stream opened
                    // right after its turn was posted: no seek, which would make every other stream wait for the
                    // records it already had and for the fetch in flight
                    start = position;
                } else if (start < position) {
                    // an older position for the newcomer: everyone else skips what they already had
                    seekBack(watchers, start);
                }
            }
        } catch (KafkaException e) {
            log.debug("Cannot register a watcher on {}: {}", tp, e.toString());
            if (watchers.isEmpty()) {
                partitions.remove(tp.partition());
                reassign();
            }
            watch.listener().onFailure(e);
            return;
        }
        watch.nextOffset = start;
        watchers.add(watch);
        watch.listener().onStart(start);
        if (watch.reportCaughtUp()) {
            if (start >= resolved.end()) {
                watch.listener().onCaughtUp();
            } else {
                watchers.awaitCaughtUp(watch, resolved.end());
            }
        }
    }

    private void resume(Watch<V> watch) {
        PartitionWatchers<V> watchers = partitions.get(watch.partition());
        if (watchers == null || watch.isCancelled() || !watch.suspended) {
            return;
        }
        watch.suspended = false;
        TopicPartition tp = watchers.topicPartition();
        if (watch.nextOffset < uninterrupted(() -> consumer.position(tp, METADATA_TIMEOUT))) {
            seekBack(watchers, watch.nextOffset);
        }
    }

    /** Reads the partition again from {@code offset}, telling its watchers so (what they know of it widens). */
    private void seekBack(PartitionWatchers<V> watchers, long offset) {
        watchers.seekingTo(offset);
        consumer.seek(watchers.topicPartition(), offset);
    }

    private void remove(Watch<V> watch) {
        PartitionWatchers<V> watchers = partitions.get(watch.partition());
        if (watchers == null) {
            return;
        }
        watchers.remove(watch);
        if (watchers.isEmpty()) {
            partitions.remove(watch.partition());
            pausedUntilNanos.remove(watchers.topicPartition());
            reassign();
        }
    }

    private void reassign() {
        List<TopicPartition> tps = partitions.values().stream().map(PartitionWatchers::topicPartition).toList();
        consumer.assign(tps);
        assigned = Set.copyOf(new TreeSet<>(partitions.keySet()));
        log.debug("Relay for {} now reads partitions {}", topic, assigned);
    }

    private void deliver(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            PartitionWatchers<V> watchers = partitions.get(tp.partition());
            if (watchers == null) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                if (!deliver(tp, watchers, record)) {
                    break;
                }
            }
        }
    }

    /** Delivers one record; false when the partition must pause and retry from this record. */
    private boolean deliver(TopicPartition tp, PartitionWatchers<V> watchers, ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return true;
        }
        String sessionId = new String(record.key(), StandardCharsets.UTF_8);
        watchers.read(sessionId, record.offset());
        List<Watch<V>> interested = watchers.watchersOf(sessionId);
        if (interested == null || !anyWants(interested, record.offset())) {
            return true;
        }
        V decoded;
        try {
            decoded = record.value() == null ? null : deserializer.deserialize(topic, record.headers(), record.value());
        } catch (SerializationException e) {
            if (DecodeFailures.isTransient(e)) {
                log.warn("Cannot decode {}-{}@{} yet, retrying in {} ms: {}", topic, tp.partition(), record.offset(),
                        DECODE_RETRY_MS, e.getMessage());
                consumer.seek(tp, record.offset());
                consumer.pause(List.of(tp));
                pausedUntilNanos.put(tp, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DECODE_RETRY_MS));
                return false;
            }
            undecodable.incrementAndGet();
            log.warn("Skipping undecodable record {}-{}@{}: {}", topic, tp.partition(), record.offset(),
                    e.getMessage());
            decoded = null;
        }
        V value = decoded;
        for (Watch<V> watch : interested) {
            if (wants(watch, record.offset())) {
                if (value == null || offer(watch, record, value)) {
                    watch.nextOffset = record.offset() + 1;
                } else {
                    watch.suspended = true;
                }
            }
        }
        return true;
    }

    private static <V> boolean anyWants(List<Watch<V>> watches, long offset) {
        for (Watch<V> watch : watches) {
            if (wants(watch, offset)) {
                return true;
            }
        }
        return false;
    }

    private static <V> boolean wants(Watch<V> watch, long offset) {
        return offset >= watch.nextOffset && !watch.suspended && !watch.isCancelled();
    }

    /** Hands a record to a listener; true when taken (a failing listener is cancelled, as if it took it). */
    private boolean offer(Watch<V> watch, ConsumerRecord<byte[], byte[]> record, V value) {
        try {
            return watch.listener().onRecord(record.offset(), value, record.headers());
        } catch (RuntimeException e) {
            log.error("A watcher of session {} failed to take a record; cancelling it", watch.sessionId(), e);
            watch.cancel();
            return true;
        }
    }

    private void reportCaughtUp() {
        for (PartitionWatchers<V> watchers : partitions.values()) {
            if (!watchers.hasWaiters()) {
                continue;
            }
            TopicPartition tp = watchers.topicPartition();
            long position = uninterrupted(() -> consumer.position(tp, METADATA_TIMEOUT));
            for (Watch<V> watch : watchers.caughtUpAt(position)) {
                notify(watch, () -> watch.listener().onCaughtUp());
            }
        }
    }

    private void resumeDuePartitions() {
        if (pausedUntilNanos.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<TopicPartition> due = pausedUntilNanos.entrySet().stream()
                .filter(entry -> entry.getValue() - now <= 0).map(Map.Entry::getKey).toList();
        if (!due.isEmpty()) {
            consumer.resume(due);
            due.forEach(pausedUntilNanos::remove);
        }
    }

    private Duration pollTimeout() {
        long now = System.nanoTime();
        long nanos = pausedUntilNanos.values().stream().mapToLong(until -> until - now).min()
                .orElse(POLL_TIMEOUT.toNanos());
        return Duration.ofNanos(Math.max(0, Math.min(nanos, POLL_TIMEOUT.toNanos())));
    }

    private void notify(Watch<V> watch, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            // one broken listener must not stop the relay for everyone else
            log.error("A watcher of session {} failed to take a record; cancelling it", watch.sessionId(), e);
            watch.cancel();
        }
    }

    /** Retries a blocking consumer call that a wakeup (a queued command) interrupted, unless the relay is stopping. */
    private <T> T uninterrupted(Supplier<T> call) {
        while (true) {
            try {
                return call.get();
            } catch (WakeupException e) {
                if (!running) {
                    throw e;
                }
                // the command that woke us is queued and runs after the current one
            }
        }
    }

    private void stopped() {
        IllegalStateException stopped = new IllegalStateException("the relay for " + topic + " stopped");
        for (PartitionWatchers<V> watchers : partitions.values()) {
            for (Watch<V> watch : watchers.all()) {
                notify(watch, () -> watch.listener().onFailure(stopped));
            }
        }
        partitions.clear();
        assigned = Set.of();
        Runnable command;
        while ((command = commands.poll()) != null) {
            command.run(); // registrations fail fast now that running is false
        }
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("Closing the relay consumer for {} failed", topic, e);
        }
        log.info("Relay for {} stopped", topic);
    }
}
