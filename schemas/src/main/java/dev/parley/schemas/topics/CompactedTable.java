package dev.parley.schemas.topics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compacted topic in memory, by key: a thread reads every partition from the start and then tails it, so a record
 * written on any host is seen here within a poll; a tombstone removes its key. The one home of "tail a compacted
 * topic into a map" (API keys, personas). {@link #catchUp()} gives read-your-writes: it completes once everything
 * in the topic at the time of the call has been read.
 */
public final class CompactedTable<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompactedTable.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<V> values;
    private final Map<String, V> table = new ConcurrentHashMap<>();
    /** Catch-ups asked for and not yet measured: the tail thread reads their end offsets. */
    private final Queue<CompletableFuture<Void>> asked = new ConcurrentLinkedQueue<>();
    /** Catch-ups measured, with the end offsets to reach; tail thread only. */
    private final List<Target> targets = new ArrayList<>();
    private final CompletableFuture<Void> loaded;
    private final Thread thread;
    private volatile boolean running = true;

    private record Target(Map<TopicPartition, Long> ends, CompletableFuture<Void> done) {
    }

    private CompactedTable(String name, String topic, Consumer<byte[], byte[]> consumer, Deserializer<V> values) {
        this.topic = topic;
        this.consumer = consumer;
        this.values = values;
        this.loaded = new CompletableFuture<>();
        this.asked.add(loaded); // measured once the partitions are assigned: everything there at the start
        this.loaded.thenRun(() -> log.info("{} loaded: {} records", topic, table.size()));
        this.thread = new Thread(this::run, "parley-table-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading {@code topic} with a consumer of {@code consumerConfig} (manual assignment: no group is used;
     * its deserializers are set here); Kafka need not be up yet ({@link #caughtUp()} says when the table is known).
     */
    public static <V> CompactedTable<V> start(String name, Map<String, Object> consumerConfig, String topic,
                                              Deserializer<V> values) {
        CompactedTable<V> table = new CompactedTable<>(name, topic,
                new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer()), values);
        table.thread.start();
        return table;
    }

    /** The newest record of {@code key}, or empty when none was stored (or it was deleted). */
    public Optional<V> get(String key) {
        return Optional.ofNullable(table.get(key));
    }

    /** Every record. */
    public List<V> values() {
        return List.copyOf(table.values());
    }

    /** Whether everything in the topic when the table started has been read: an unknown key is then truly unknown. */
    public boolean caughtUp() {
        return loaded.isDone();
    }

    /** Waits until {@link #caughtUp()}; false when {@code timeout} passed first. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        try {
            loaded.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }

    /**
     * Completes once every record in the topic now (e.g. one just written, on any host) has been read into the
     * table; fails when the table closes first. It never times out by itself: bound the wait with the future.
     */
    public CompletableFuture<Void> catchUp() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        asked.add(done);
        consumer.wakeup(); // a poll on a quiet topic would otherwise hold the measure back
        return done;
    }

    private void run() {
        while (running) {
            try {
                if (consumer.assignment().isEmpty()) {
                    assign();
                    continue;
                }
                measureAsked();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    apply(record);
                }
                completeReached();
            } catch (WakeupException e) {
                // a catch-up asked for, or close: the loop looks at both
            } catch (RuntimeException e) {
                log.warn("Reading {} failed, retrying: {}", topic, e.toString());
                pause();
            }
        }
        CompactedTableClosed closed = new CompactedTableClosed(topic);
        targets.forEach(target -> target.done().completeExceptionally(closed));
        asked.forEach(done -> done.completeExceptionally(closed));
        consumer.close(Duration.ofSeconds(2));
    }

    private void assign() {
        var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (partitions == null || partitions.isEmpty()) {
            log.warn("Topic {} not found (run ./parley topics): it reads as empty until it exists", topic);
            pause();
            return;
        }
        List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(all);
        consumer.seekToBeginning(all);
    }

    private void measureAsked() {
        List<CompletableFuture<Void>> now = new ArrayList<>();
        for (CompletableFuture<Void> done; (done = asked.poll()) != null; ) {
            now.add(done);
        }
        if (now.isEmpty()) {
            return;
        }
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(5));
            now.forEach(done -> targets.add(new Target(Map.copyOf(ends), done)));
        } catch (RuntimeException e) {
            asked.addAll(now); // measured on the next round
            throw e;
        }
    }

    private void completeReached() {
        for (Iterator<Target> it = targets.iterator(); it.hasNext(); ) {
            Target target = it.next();
            if (reached(target.ends())) {
                it.remove();
                target.done().complete(null);
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        for (var end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            table.remove(key);
            return;
        }
        try {
            table.put(key, values.deserialize(record.topic(), record.value()));
        } catch (RuntimeException e) {
            log.warn("Skipping {} record {} at {}-{}: cannot decode it ({})", topic, key, record.partition(),
                    record.offset(), e.toString());
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A catch-up that cannot complete: the table closed. */
    public static final class CompactedTableClosed extends IllegalStateException {
        CompactedTableClosed(String topic) {
            super("the table of " + topic + " closed");
        }
    }
}
