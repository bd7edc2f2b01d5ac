package dev.parley.worker.turns;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one partition from a point in time up to its current end with a small pool of group-less consumers:
 * how the worker finds a session's history and a turn's earlier attempts without touching its group consumer.
 */
final class PartitionScanner implements AutoCloseable {

    /** Records written up to this long before an id's timestamp are read too: clocks of different hosts differ. */
    static final Duration CLOCK_SKEW_MARGIN = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MARKER_WAIT = Duration.ofMillis(2);

    private final BlockingQueue<KafkaConsumer<byte[], byte[]>> pool;
    private final List<KafkaConsumer<byte[], byte[]>> all;

    PartitionScanner(Map<String, Object> kafka, int size) {
        this.pool = new ArrayBlockingQueue<>(size);
        this.all = new java.util.ArrayList<>();
        for (int i = 0; i < size; i++) {
            Map<String, Object> config = new java.util.HashMap<>(kafka);
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "parley-scanner-" + i + "-" + UUID.randomUUID());
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
            // A scan only reads what is already there. A fetch parked at the broker waiting for new data
            // (fetch.max.wait.ms, 500 ms by default) would hold up the next scan's offset lookups on the same
            // connection: measured in bench as +250 ms to the first token with ten turns in flight.
            config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 0);
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
            all.add(consumer);
            pool.add(consumer);
        }
    }

    /**
     * Hands every record of {@code partition} from {@code fromMillis} (minus the skew margin; 0 = the beginning)
     * up to the end offset as of the call to {@code sink}, in offset order.
     */
    void scan(TopicPartition partition, long fromMillis, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        scan(partition, fromMillis, -1, sink);
    }

    /**
     * Like {@link #scan(TopicPartition, long, Consumer)}, but first waits until the record at {@code mustSee} is
     * readable: commitTransaction() returns before the commit markers land, so a committed record can stay
     * invisible to read_committed readers for a moment.
     */
    void scan(TopicPartition partition, long fromMillis, long mustSee, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        scan(partition, consumer -> seek(consumer, partition, fromMillis), mustSee, sink);
    }

    /** Like {@link #scan(TopicPartition, long, long, Consumer)}, from an offset rather than a time. */
    void scanFromOffset(TopicPartition partition, long fromOffset, long mustSee,
                        Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        scan(partition, consumer -> consumer.seek(partition, Math.max(0, fromOffset)), mustSee, sink);
    }

    private void scan(TopicPartition partition, Consumer<KafkaConsumer<byte[], byte[]>> seek, long mustSee,
                      Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        KafkaConsumer<byte[], byte[]> consumer = borrow();
        try {
            consumer.assign(List.of(partition));
            long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (end <= mustSee) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("offset " + mustSee + " of " + partition + " not readable after "
                        + SCAN_TIMEOUT);
                }
                sleep(MARKER_WAIT);
                end = consumer.endOffsets(List.of(partition)).get(partition);
            }
            seek.accept(consumer);
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + partition + " up to offset " + end + " took over "
                        + SCAN_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() < end) {
                        sink.accept(record);
                    }
                }
            }
        } finally {
            consumer.unsubscribe();
            pool.add(consumer);
        }
    }

    private static void seek(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long fromMillis) {
        long from = fromMillis - CLOCK_SKEW_MARGIN.toMillis();
        if (fromMillis <= 0 || from <= 0) {
            consumer.seekToBeginning(List.of(partition));
            return;
        }
        OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, from)).get(partition);
        if (found == null) {
            consumer.seekToEnd(List.of(partition)); // nothing that recent: nothing to read
        } else {
            consumer.seek(partition, found.offset());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a commit marker", e);
        }
    }

    private KafkaConsumer<byte[], byte[]> borrow() {
        try {
            return pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a scanner", e);
        }
    }

    @Override
    public void close() {
        all.forEach(c -> c.close(Duration.ofSeconds(5)));
    }
}
