package dev.parley.worker.turns;

import dev.parley.avro.SessionSnapshot;
import dev.parley.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest snapshot of every session in the worker's ledger partitions, read from the compacted
 * {@code parley.sessions.v1} (co-partitioned with the ledger, so ledger partition p's sessions are in sessions
 * partition p). A stale or missing snapshot only makes the ledger tail read for a context longer, never wrong.
 */
final class SnapshotCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SnapshotCache.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<SessionSnapshot> snapshots;
    private final Map<String, SessionSnapshot> latest = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile Set<Integer> wanted = Set.of();
    private volatile boolean running = true;

    SnapshotCache(Map<String, Object> kafka, Deserializer<SessionSnapshot> snapshots) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "parley-snapshots-" + UUID.randomUUID());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.snapshots = snapshots;
        this.thread = new Thread(this::run, "parley-snapshot-cache");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Follows these ledger partitions from now on: reads their snapshots, forgets the others'. */
    void follow(Set<Integer> partitions) {
        wanted = Set.copyOf(partitions);
        consumer.wakeup();
    }

    /** The newest snapshot read for the session, if any. */
    Optional<SessionSnapshot> get(String sessionId) {
        return Optional.ofNullable(latest.get(sessionId));
    }

    private void run() {
        while (running) {
            try {
                reassign();
                if (consumer.assignment().isEmpty()) {
                    sleep(); // no partitions yet (poll would refuse)
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    apply(record);
                }
            } catch (WakeupException wakeup) {
                // a new assignment or close: looked at on the next turn of the loop
            } catch (RuntimeException e) {
                log.warn("Reading session snapshots failed, retrying: {}", e.toString());
                sleep();
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    private void reassign() {
        Set<TopicPartition> target = new HashSet<>();
        for (int p : wanted) {
            target.add(new TopicPartition(Topics.SESSIONS.name(), p));
        }
        Set<TopicPartition> current = consumer.assignment();
        if (target.equals(current)) {
            return;
        }
        Set<TopicPartition> added = new HashSet<>(target);
        added.removeAll(current);
        consumer.assign(target);
        consumer.seekToBeginning(added);
        latest.values().removeIf(s -> !wanted.contains(s.getLedgerPartition()));
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            latest.remove(record.key());
            return;
        }
        SessionSnapshot snapshot;
        try {
            snapshot = snapshots.deserialize(record.topic(), record.value());
        } catch (RuntimeException undecodable) {
            log.warn("Skipping undecodable snapshot {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                undecodable.getMessage());
            return;
        }
        latest.merge(snapshot.getSessionId(), snapshot,
            (old, next) -> next.getLedgerOffset() >= old.getLedgerOffset() ? next : old);
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
