package dev.parley.ingest.auth;

import dev.parley.avro.ApiKey;
import dev.parley.ingest.kafka.KafkaClientConfigs;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every API key record of the compacted keys topic, in memory: a thread reads the topic from the start and then
 * tails it, so a key created or revoked on any host is seen here within a poll (a fraction of a second).
 */
public final class ApiKeyStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyStore.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<ApiKey> values;
    private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private Map<TopicPartition, Long> endAtStart;

    private ApiKeyStore(String topic, Consumer<byte[], byte[]> consumer, Deserializer<ApiKey> values) {
        this.topic = topic;
        this.consumer = consumer;
        this.values = values;
        this.thread = new Thread(this::run, "parley-api-keys");
        this.thread.setDaemon(true);
    }

    /** Starts reading {@code topic}; Kafka need not be up yet ({@link #caughtUp()} says when the keys are known). */
    public static ApiKeyStore start(Map<String, Object> kafka, String topic, Deserializer<ApiKey> values) {
        ApiKeyStore store = new ApiKeyStore(topic,
                new KafkaConsumer<>(KafkaClientConfigs.relayConsumer(kafka, "parley-api-keys", true)), values);
        store.thread.start();
        return store;
    }

    /** The key's record, revoked or not, or empty when no such key id was ever stored (or it was deleted). */
    public Optional<ApiKey> find(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    /** Every key record, e.g. for {@code ./parley keys list}. */
    public List<ApiKey> all() {
        return List.copyOf(keys.values());
    }

    /** Whether everything in the topic when the store started has been read: an unknown key is then truly unknown. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** Waits until {@link #caughtUp()}; false when {@code timeout} passed first. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        while (running) {
            try {
                if (consumer.assignment().isEmpty()) {
                    assign();
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    apply(record);
                }
                if (!caughtUp()) {
                    checkCaughtUp();
                }
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                log.warn("Reading API keys from {} failed, retrying: {}", topic, e.toString());
                pause();
            }
        }
        consumer.close(Duration.ofSeconds(2));
    }

    private void assign() {
        var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (partitions == null || partitions.isEmpty()) {
            log.warn("Topic {} not found (run ./parley topics): no API key is valid until it exists", topic);
            pause();
            return;
        }
        List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(all);
        consumer.seekToBeginning(all);
        endAtStart = new HashMap<>(consumer.endOffsets(all, Duration.ofSeconds(5)));
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        String keyId = record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
        if (keyId == null) {
            return;
        }
        if (record.value() == null) {
            keys.remove(keyId);
            return;
        }
        try {
            keys.put(keyId, values.deserialize(record.topic(), record.value()));
        } catch (RuntimeException e) {
            log.warn("Skipping API key record {} at {}-{}: cannot decode it ({})", keyId, record.partition(),
                    record.offset(), e.toString());
        }
    }

    private void checkCaughtUp() {
        for (var end : endAtStart.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return;
            }
        }
        log.info("API keys loaded from {}: {} keys", topic, keys.size());
        caughtUp.countDown();
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
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
}
