package dev.parley.schemas.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TopicInitializer against a real broker")
class TopicInitializerIT {

    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();
    private static EmbeddedKafka kafka;
    private static Admin admin;

    private String prefix;
    private List<TopicSpec<?>> specs;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.ephemeral();
        admin = Admin.create(adminConfig(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopKafka() {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @BeforeEach
    void uniquePrefix() {
        prefix = "it" + TEST_NUMBER.incrementAndGet() + ".";
        specs = Topics.all().stream().<TopicSpec<?>>map(s -> s.withName(prefix + s.name())).toList();
    }

    @Test
    @DisplayName("creates every catalogue topic with its partitions, cleanup policy and retention")
    void createsEveryTopic() throws Exception {
        Set<String> created = new TopicInitializer(admin).ensure(specs);

        assertEquals(names(specs), created);
        Map<String, TopicDescription> descriptions = admin.describeTopics(names(specs)).allTopicNames().get();
        for (TopicSpec<?> spec : specs) {
            assertEquals(spec.partitions(), descriptions.get(spec.name()).partitions().size(), spec.name());
            Config config = config(spec.name());
            spec.topicConfigs().forEach((key, value) ->
                    assertEquals(value, config.get(key).value(), spec.name() + " " + key));
        }
        assertEquals("-1", config(prefix + "parley.ledger.v1").get("retention.ms").value());
        assertEquals("21600000", config(prefix + "parley.tokens.v1").get("retention.ms").value());
        assertEquals("compact", config(prefix + "parley.sessions.v1").get("cleanup.policy").value());
    }

    @Test
    @DisplayName("a second run creates nothing and succeeds")
    void secondRunIsANoOp() {
        TopicInitializer initializer = new TopicInitializer(admin);
        assertEquals(specs.size(), initializer.ensure(specs).size());
        assertEquals(Set.of(), initializer.ensure(specs));
        assertEquals(Set.of(), new TopicInitializer(admin).ensure(specs));
    }

    @Test
    @DisplayName("every topic is usable when it returns: each partition has a leader and takes a write")
    void usableRightAway() throws Exception {
        new TopicInitializer(admin).ensure(specs);

        TopicSpec<?> tokens = specs.get(1);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            for (int partition = 0; partition < tokens.partitions(); partition++) {
                RecordMetadata written = producer.send(
                        new ProducerRecord<>(tokens.name(), partition, "session", "x")).get(15, TimeUnit.SECONDS);
                assertEquals(partition, written.partition());
            }
        }
    }

    @Test
    @DisplayName("two services starting at once both succeed; each topic is created exactly once")
    void concurrentRuns() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Admin other = Admin.create(adminConfig(kafka.bootstrapServers()))) {
            CompletableFuture<Set<String>> first = CompletableFuture.supplyAsync(
                    () -> new TopicInitializer(admin).ensure(specs), pool);
            CompletableFuture<Set<String>> second = CompletableFuture.supplyAsync(
                    () -> new TopicInitializer(other).ensure(specs), pool);

            Set<String> firstCreated = first.get(60, TimeUnit.SECONDS);
            Set<String> secondCreated = second.get(60, TimeUnit.SECONDS);

            Set<String> both = new HashSet<>(firstCreated);
            both.retainAll(secondCreated);
            assertEquals(Set.of(), both);
            Set<String> all = new HashSet<>(firstCreated);
            all.addAll(secondCreated);
            assertEquals(names(specs), all);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("existing topics with other settings are reported, each topic and setting named, and left alone")
    void reportsConflicts() throws Exception {
        String ledger = prefix + "parley.ledger.v1";
        String tokens = prefix + "parley.tokens.v1";
        String sessions = prefix + "parley.sessions.v1";
        admin.createTopics(List.of(
                new NewTopic(ledger, 3, (short) 1).configs(Map.of("cleanup.policy", "compact", "retention.ms", "-1")),
                new NewTopic(tokens, 6, (short) 1).configs(Map.of("retention.ms", "1000")),
                new NewTopic(sessions, 6, (short) 1).configs(Map.of("cleanup.policy", "delete")))).all().get();

        TopicConflictException e = assertThrows(TopicConflictException.class,
                () -> new TopicInitializer(admin).ensure(specs));

        assertEquals(List.of(
                ledger + ": partitions 3, expected 6",
                ledger + ": cleanup.policy compact, expected delete",
                tokens + ": retention.ms 1000, expected 21600000",
                sessions + ": cleanup.policy delete, expected compact"), e.conflicts());
        assertTrue(e.getMessage().contains(ledger + ": partitions 3, expected 6; " + ledger), e.getMessage());
        assertEquals(3, admin.describeTopics(List.of(ledger)).allTopicNames().get().get(ledger).partitions().size());
        assertEquals("1000", config(tokens).get("retention.ms").value());
    }

    @Test
    @DisplayName("check creates nothing: it names the missing topics, then accepts what ensure created with the settings")
    void checkThenEnsureWithSettings() throws Exception {
        TopicSettings two = new TopicSettings(OptionalInt.of(2), OptionalInt.of(1));
        TopicInitializer initializer = new TopicInitializer(admin);

        TopicReport before = initializer.check(TopicSettings.catalogue(), specs);
        assertEquals(specs.stream().map(TopicSpec::name).toList(), before.missing());
        assertFalse(admin.listTopics().names().get().contains(specs.get(0).name()), "check created nothing");

        assertEquals(specs.size(), initializer.ensure(two, specs).size());
        assertEquals(2, admin.describeTopics(List.of(specs.get(0).name())).allTopicNames().get()
                .get(specs.get(0).name()).partitions().size());
        assertTrue(initializer.check(two, specs).ok());
        assertTrue(initializer.check(TopicSettings.catalogue(), specs).ok(), "any consistent count without a setting");
        TopicReport six = initializer.check(new TopicSettings(OptionalInt.of(6), OptionalInt.empty()), specs);
        assertEquals(specs.size() - 1, six.conflicts().size(), "every topic but the DLQ: " + six.conflicts());
    }

    @Test
    @DisplayName("co-partitioned topics with different partition counts are refused before anything is created")
    void coPartitioningChecked() throws Exception {
        List<TopicSpec<?>> mismatched = List.of(specs.get(0), specs.get(1).withPartitions(3));
        assertThrows(IllegalArgumentException.class, () -> new TopicInitializer(admin).ensure(mismatched));
        Set<String> existing = admin.listTopics().names().get();
        assertFalse(existing.contains(specs.get(0).name()));
        assertFalse(existing.contains(specs.get(1).name()));
    }

    @Test
    @DisplayName("an unreachable cluster gives a timeout naming the step, not a hang")
    void unreachableCluster() {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        Admin nowhere = Admin.create(config);
        try {
            TimeoutException e = assertThrows(TimeoutException.class,
                    () -> new TopicInitializer(nowhere, Duration.ofSeconds(2)).ensure(specs));
            assertTrue(e.getMessage().contains("cannot list topics within PT2S"), e.getMessage());
        } finally {
            // a plain close() would wait for the abandoned listTopics call to time out
            nowhere.close(Duration.ZERO);
        }
    }

    private static Map<String, Object> adminConfig(String bootstrapServers) {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    private static Config config(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }

    private static Set<String> names(List<TopicSpec<?>> specs) {
        return specs.stream().map(TopicSpec::name).collect(Collectors.toSet());
    }
}
