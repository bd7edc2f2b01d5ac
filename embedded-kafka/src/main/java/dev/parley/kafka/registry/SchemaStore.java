package dev.parley.kafka.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code _schemas} log and the state read back from it (Confluent's KafkaStore pattern): one reader thread
 * applies every record to {@link RegistryState}, and a write returns only once the reader has applied it.
 */
final class SchemaStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaStore.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** A key and value to produce; a null value is a tombstone. */
    record Entry(String key, String value) {
    }

    private final String topic;
    private final TopicPartition partition;
    private final RegistryState state = new RegistryState();
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final Thread reader;
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private final Object progress = new Object();
    private long appliedPosition; // guarded by progress
    private RuntimeException readerFailure; // guarded by progress
    private volatile boolean running = true;

    private SchemaStore(String bootstrapServers, String topic) {
        String clientId = "parley-schema-registry-" + INSTANCES.incrementAndGet();
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        createTopicIfMissing(bootstrapServers, topic, clientId + "-admin");
        this.producer = new KafkaProducer<>(producerConfig(bootstrapServers, clientId + "-writer"),
                new StringSerializer(), new StringSerializer());
        try {
            this.consumer = new KafkaConsumer<>(consumerConfig(bootstrapServers, clientId + "-reader"),
                    new StringDeserializer(), new StringDeserializer());
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        this.reader = new Thread(this::readLoop, clientId + "-reader");
    }

    /** Opens the store and blocks until every record already in the topic has been applied. */
    static SchemaStore open(String bootstrapServers, String topic, Duration timeout) {
        SchemaStore store = new SchemaStore(bootstrapServers, topic);
        store.reader.start();
        try {
            store.caughtUp.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return store;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            store.close();
            throw new IllegalStateException("interrupted while reading " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            store.close();
            throw new IllegalStateException("could not read " + topic + " within " + timeout, e);
        }
    }

    RegistryState state() {
        return state;
    }

    /** Produces the entries in order and waits until the reader has applied the last one. */
    void write(List<Entry> entries) {
        try {
            Future<RecordMetadata> last = null;
            for (Entry entry : entries) {
                last = producer.send(new ProducerRecord<>(topic, 0, entry.key(), entry.value()));
            }
            if (last != null) {
                RecordMetadata written = last.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                awaitApplied(written.offset() + 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.STORE_ERROR, "Interrupted while writing to " + topic, e);
        } catch (ExecutionException e) {
            throw new RegistryException(RegistryException.STORE_ERROR,
                    "Error while writing to " + topic + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new RegistryException(RegistryException.STORE_TIMEOUT, "Write to " + topic + " timed out", e);
        } catch (RuntimeException e) {
            if (e instanceof RegistryException) {
                throw e;
            }
            throw new RegistryException(RegistryException.STORE_ERROR, "Error while writing to " + topic + ": " + e, e);
        }
    }

    private void awaitApplied(long position) throws InterruptedException {
        long deadline = System.nanoTime() + WRITE_TIMEOUT.toNanos();
        synchronized (progress) {
            while (appliedPosition < position) {
                if (readerFailure != null) {
                    throw new RegistryException(RegistryException.STORE_ERROR,
                            "The " + topic + " reader stopped: " + readerFailure, readerFailure);
                }
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMillis <= 0) {
                    throw new RegistryException(RegistryException.STORE_TIMEOUT,
                            "Offset " + (position - 1) + " of " + topic + " was not read back in " + WRITE_TIMEOUT);
                }
                progress.wait(leftMillis);
            }
        }
    }

    private void readLoop() {
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long endAtStart = consumer.endOffsets(List.of(partition)).get(partition);
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    applySafely(record);
                }
                long position = consumer.position(partition);
                synchronized (progress) {
                    appliedPosition = position;
                    progress.notifyAll();
                }
                if (position >= endAtStart && caughtUp.complete(null)) {
                    log.info("Read {} up to offset {}", topic, position);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                fail(new IllegalStateException("the reader was woken up unexpectedly", e));
            }
        } catch (RuntimeException e) {
            log.error("The {} reader stopped", topic, e);
            fail(e);
        } finally {
            consumer.close();
        }
    }

    private void applySafely(ConsumerRecord<String, String> record) {
        try {
            state.apply(SchemaRecords.parse(record.key(), record.value()));
        } catch (RuntimeException e) {
            // One foreign or corrupt record must not stop the registry from serving every other schema.
            log.warn("Skipping {} record at offset {}: {}", topic, record.offset(), e.getMessage());
        }
    }

    private void fail(RuntimeException failure) {
        synchronized (progress) {
            readerFailure = failure;
            progress.notifyAll();
        }
        caughtUp.completeExceptionally(failure);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            log.warn("The {} reader did not stop within 30 seconds", topic);
        }
        producer.close(Duration.ofSeconds(10));
    }

    private static void createTopicIfMissing(String bootstrapServers, String topic, String clientId) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        try (Admin admin = Admin.create(config)) {
            // One partition keeps a single total order of registrations; replication follows the broker default.
            NewTopic schemas = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(schemas)).all().get(30, TimeUnit.SECONDS);
            log.info("Created topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + topic, e);
        }
    }

    private static Properties producerConfig(String bootstrapServers, String clientId) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis());
        return config;
    }

    private static Properties consumerConfig(String bootstrapServers, String clientId) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // No group: the reader always replays the whole log and never commits.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }
}
