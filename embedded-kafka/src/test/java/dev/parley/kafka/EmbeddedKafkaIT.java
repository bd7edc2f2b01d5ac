package dev.parley.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    @Test
    @DisplayName("an ephemeral broker serves transactions and consumer groups on one node")
    void ephemeralBrokerServesTransactionsAndGroups() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral()) {
            createTopic(kafka.bootstrapServers(), "tx-topic", 3, 1);
            try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers(), "tx-" + UUID.randomUUID())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx-topic", "k1", "committed"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx-topic", "k2", "aborted"));
                producer.flush();
                producer.abortTransaction();
            }
            List<String> values = readAll(kafka.bootstrapServers(), "tx-topic", 1);
            assertEquals(List.of("committed"), values, "read_committed sees only the committed record");
        }
    }

    @Test
    @DisplayName("a persistent broker keeps every record across a restart on the same data directory")
    void persistentBrokerKeepsRecordsAcrossRestart(@TempDir Path dataDir) throws Exception {
        int port = freePort();
        List<String> sent = IntStream.range(0, 50).mapToObj(i -> "record-" + i).collect(Collectors.toList());
        try (EmbeddedKafka kafka = EmbeddedKafka.persistent(dataDir, port)) {
            assertEquals("localhost:" + port, kafka.bootstrapServers());
            createTopic(kafka.bootstrapServers(), "kept", 2, 1);
            try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers(), null)) {
                for (String value : sent) {
                    producer.send(new ProducerRecord<>("kept", value, value)).get();
                }
            }
        }
        assertTrue(Files.exists(dataDir.resolve("log/meta.properties")), "the data directory stays after close");
        try (EmbeddedKafka kafka = EmbeddedKafka.persistent(dataDir, port)) {
            List<String> read = readAll(kafka.bootstrapServers(), "kept", sent.size());
            assertEquals(Set.copyOf(sent), Set.copyOf(read));
            assertEquals(sent.size(), read.size(), "no record lost or duplicated");

            IllegalStateException second = assertThrows(IllegalStateException.class,
                () -> EmbeddedKafka.persistent(dataDir, freePort()));
            assertTrue(second.getMessage().contains("another Parley is using the data directory"), second.getMessage());
            assertEquals(Set.copyOf(sent), Set.copyOf(readAll(kafka.bootstrapServers(), "kept", sent.size())),
                "a second broker refused on the same directory leaves the running one intact");
        }
    }

    @Test
    @DisplayName("stopping a broker leaves no threads, bound ports, child processes or temp data behind")
    void closeLeavesNothingBehind() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Path dataDir;
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral()) {
            dataDir = kafka.dataDir();
            port = kafka.port();
            createTopic(kafka.bootstrapServers(), "t", 1, 1);
            assertTrue(ProcessHandle.current().children().findAny().isEmpty(), "the broker runs in-process, not as a child");
        }
        assertFalse(Files.exists(dataDir), "ephemeral data deleted");
        assertTrue(canBind(port), "client port released");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(List.of(), newThreads(before),
            "threads started by the broker"));
        assertTrue(ProcessHandle.current().children().findAny().isEmpty(), "no child process");
    }

    @Test
    @DisplayName("a three-broker cluster replicates a topic to every broker")
    void clusterReplicates() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3)) {
            assertEquals(3, cluster.bootstrapServers().split(",").length);
            createTopic(cluster.bootstrapServers(), "replicated", 2, 3);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
                TopicDescription description = admin.describeTopics(List.of("replicated")).allTopicNames().get().get("replicated");
                description.partitions().forEach(p -> assertEquals(3, p.replicas().size()));
                assertEquals(3, admin.describeCluster().nodes().get().size());
            }
            try (KafkaProducer<String, String> producer = producer(cluster.bootstrapServers(), null)) {
                producer.send(new ProducerRecord<>("replicated", "k", "v")).get(30, TimeUnit.SECONDS);
            }
            assertEquals(List.of("v"), readAll(cluster.bootstrapServers(), "replicated", 1));
        }
    }

    /** Threads that did not exist before, ignoring JVM-wide pools that outlive any one user. */
    private static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !before.contains(t) && t.isAlive())
            .map(Thread::getName)
            .filter(name -> !name.startsWith("ForkJoinPool.commonPool") && !name.equals("Attach Listener")
                && !name.startsWith("process reaper") && !name.startsWith("awaitility"))
            .sorted()
            .collect(Collectors.toList());
    }

    static void createTopic(String bootstrap, String topic, int partitions, int replicas) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) replicas))).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeTopics(List.of(topic)).allTopicNames().get()
                .get(topic).partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + topic, e);
        }
    }

    static KafkaProducer<String, String> producer(String bootstrap, String transactionalId) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        if (transactionalId != null) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(config);
    }

    /** Reads the topic from the start through a consumer group until {@code expected} records arrived. */
    static List<String> readAll(String bootstrap, String topic, int expected) {
        Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
            // Anything beyond the expected count would be a duplicate or a leaked aborted record.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
