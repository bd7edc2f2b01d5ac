package dev.parley.schemas.serde;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.TokenChunk;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.RegisteredSchema;
import dev.parley.schemas.registry.RestSchemaRegistryClient;
import dev.parley.schemas.registry.SchemaRegistryClient;
import dev.parley.schemas.registry.SchemaRegistryConfig;
import dev.parley.schemas.registry.SchemaRegistryException;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.TopicSpec;
import dev.parley.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The Avro serde against a real broker and the real HTTP schema registry")
class AvroSerdeIT {

    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();
    private static EmbeddedKafka kafka;
    private static SchemaRegistry registry;
    private static Admin admin;

    private String prefix;
    private Map<String, Object> serdeConfig;
    private SchemaRegistryClient registryClient;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.ephemeral();
        registry = SchemaRegistry.start(kafka.bootstrapServers(), 0);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @BeforeEach
    void perTest() {
        prefix = "it" + TEST_NUMBER.incrementAndGet() + ".";
        serdeConfig = Map.of(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, registry.url());
        registryClient = new RestSchemaRegistryClient(SchemaRegistryConfig.from(serdeConfig));
    }

    @Test
    @DisplayName("every ledger payload goes through Kafka and comes back equal, read by a deserializer made by class name")
    void ledgerThroughKafka() throws Exception {
        TopicSpec<LedgerEvent> ledger = topic(Topics.LEDGER);
        List<LedgerEvent> events = SampleRecords.ledgerEvents();
        try (KafkaProducer<String, LedgerEvent> producer = new KafkaProducer<>(producerConfig(),
                ledger.keySerde().serializer(), ledger.valueSerde(serdeConfig).serializer())) {
            for (LedgerEvent event : events) {
                producer.send(new ProducerRecord<>(ledger.name(), event.getSessionId(), event)).get(30, TimeUnit.SECONDS);
            }
        }

        Map<String, Object> consumerConfig = consumerConfig();
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class.getName());
        consumerConfig.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, registry.url());
        List<Object> read = consumeAll(new KafkaConsumer<>(consumerConfig), ledger.name(), events.size());

        assertEquals(events, read);
    }

    @Test
    @DisplayName("values are registered under <topic>-value and framed with the registry's id")
    void framedWithTheRegistryId() throws Exception {
        TopicSpec<TokenChunk> tokens = topic(Topics.TOKENS);
        try (KafkaProducer<String, TokenChunk> producer = new KafkaProducer<>(producerConfig(),
                tokens.keySerde().serializer(), tokens.valueSerde(serdeConfig).serializer())) {
            producer.send(new ProducerRecord<>(tokens.name(), "session-1", SampleRecords.tokenChunk(0)))
                    .get(30, TimeUnit.SECONDS);
        }

        RegisteredSchema latest = registryClient.latest(tokens.name() + "-value");
        assertEquals(TokenChunk.getClassSchema(), latest.schema());
        byte[] bytes = (byte[]) consumeAll(rawConsumer(), tokens.name(), 1).get(0);
        assertEquals(WireFormat.MAGIC_BYTE, bytes[0]);
        assertEquals(latest.id(), WireFormat.schemaId(bytes));
    }

    @Test
    @DisplayName("old and new TokenChunk records share a subject under the registry's compatibility check and read both ways")
    void evolutionThroughTheRegistry() throws Exception {
        String topic = prefix + "evolution";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        GenericRecord old = new GenericRecordBuilder(SchemaEvolutionTest.TOKEN_CHUNK_V0).set("sessionId", "s")
                .set("turnId", "t").set("attempt", 1).set("seq", 0).set("text", "old").build();
        TokenChunk current = SampleRecords.finalTokenChunk();
        AvroSerializer<GenericRecord> oldWriter = new AvroSerializer<>();
        oldWriter.configure(serdeConfig, false);
        AvroSerde<TokenChunk> newSerde = AvroSerde.forClass(TokenChunk.class, serdeConfig, false);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "s", oldWriter.serialize(topic, old))).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topic, "s", newSerde.serializer().serialize(topic, current)))
                    .get(30, TimeUnit.SECONDS);
        }
        assertEquals(2, registryClient.latest(topic + "-value").version());

        List<Object> bytes = consumeAll(rawConsumer(), topic, 2);
        AvroDeserializer<GenericRecord> oldReader = AvroDeserializer.generic(SchemaEvolutionTest.TOKEN_CHUNK_V0);
        oldReader.configure(serdeConfig, false);
        AvroDeserializer<TokenChunk> newReader = new AvroDeserializer<>(TokenChunk.class);
        newReader.configure(serdeConfig, false);

        TokenChunk oldAsNew = newReader.deserialize(topic, (byte[]) bytes.get(0));
        assertEquals("old", oldAsNew.getText());
        assertEquals("answer", oldAsNew.getStage());
        assertFalse(oldAsNew.getFinal$());
        assertNull(oldAsNew.getUsage());
        GenericRecord newAsOld = oldReader.deserialize(topic, (byte[]) bytes.get(1));
        assertEquals(SchemaEvolutionTest.TOKEN_CHUNK_V0, newAsOld.getSchema());
        assertEquals(current.getText(), newAsOld.get("text").toString());
    }

    @Test
    @DisplayName("an incompatible new schema is refused by the registry: the serializer fails with its 409")
    void incompatibleSchemaRefused() {
        String topic = prefix + "incompatible";
        AvroSerde<TokenChunk> serde = AvroSerde.forClass(TokenChunk.class, serdeConfig, false);
        serde.serializer().serialize(topic, SampleRecords.tokenChunk(0));
        Schema incompatible = new Schema.Parser().parse("""
                {"type": "record", "name": "TokenChunk", "namespace": "dev.parley.avro", "fields": [
                  {"name": "sessionId", "type": "string"}, {"name": "tenant", "type": "string"}]}""");
        AvroSerializer<GenericRecord> writer = new AvroSerializer<>();
        writer.configure(serdeConfig, false);

        SerializationException e = assertThrows(SerializationException.class, () -> writer.serialize(topic,
                new GenericRecordBuilder(incompatible).set("sessionId", "s").set("tenant", "t").build()));

        SchemaRegistryException cause = assertInstanceOf(SchemaRegistryException.class, e.getCause());
        assertEquals(SchemaRegistryException.INCOMPATIBLE_SCHEMA, cause.errorCode());
        assertTrue(e.getMessage().contains(topic + "-value"), e.getMessage());
    }

    @Test
    @DisplayName("with auto.register.schemas=false, an unregistered schema fails clearly; a registered one is used")
    void lookupOnly() {
        String topic = prefix + "lookup";
        Map<String, Object> config = new HashMap<>(serdeConfig);
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        AvroSerde<TokenChunk> lookingUp = AvroSerde.forClass(TokenChunk.class, config, false);

        SerializationException e = assertThrows(SerializationException.class,
                () -> lookingUp.serializer().serialize(topic, SampleRecords.tokenChunk(0)));
        assertTrue(e.getMessage().contains("is not registered under subject " + topic + "-value"), e.getMessage());

        int id = registryClient.register(topic + "-value", TokenChunk.getClassSchema());
        AvroSerde<TokenChunk> afterRegistration = AvroSerde.forClass(TokenChunk.class, config, false);
        assertEquals(id, WireFormat.schemaId(afterRegistration.serializer().serialize(topic, SampleRecords.tokenChunk(0))));
    }

    @Test
    @DisplayName("with use.latest.version, the subject's latest schema id frames the record")
    void latestVersion() {
        String topic = prefix + "latest";
        registryClient.register(topic + "-value", SchemaEvolutionTest.TOKEN_CHUNK_V0);
        int latestId = registryClient.register(topic + "-value", TokenChunk.getClassSchema());
        Map<String, Object> config = new HashMap<>(serdeConfig);
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        config.put(AvroSerdeConfig.USE_LATEST_VERSION, true);
        AvroSerde<TokenChunk> serde = AvroSerde.forClass(TokenChunk.class, config, false);

        byte[] bytes = serde.serializer().serialize(topic, SampleRecords.tokenChunk(3));

        assertEquals(latestId, WireFormat.schemaId(bytes));
        assertEquals(SampleRecords.tokenChunk(3), serde.deserializer().deserialize(topic, bytes));
    }

    @Test
    @DisplayName("an id the registry has never issued: unknown schema id, from the registry's 40403")
    void unknownSchemaId() {
        AvroSerde<LedgerEvent> serde = AvroSerde.forClass(LedgerEvent.class, serdeConfig, false);
        byte[] bytes = {0, 0, 0x0f, 0x42, 0x3f, 2, 'x'};
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("t", bytes));
        assertTrue(e.getMessage().contains("unknown schema id 999999"), e.getMessage());
        assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND,
                assertInstanceOf(SchemaRegistryException.class, e.getCause()).errorCode());
    }

    private <V extends org.apache.avro.specific.SpecificRecord> TopicSpec<V> topic(TopicSpec<V> spec) {
        TopicSpec<V> unique = spec.withName(prefix + spec.name());
        new TopicInitializer(admin).ensure(List.of(unique));
        return unique;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // a missing topic should fail the test in seconds, not after the default minute
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return config;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    private KafkaConsumer<String, byte[]> rawConsumer() {
        return new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Reads {@code count} values from {@code topic}, in order per partition. */
    private static List<Object> consumeAll(KafkaConsumer<?, ?> consumer, String topic, int count) {
        List<Object> values = new ArrayList<>();
        try (consumer) {
            consumer.subscribe(List.of(topic));
            await().atMost(30, TimeUnit.SECONDS).until(() -> {
                for (ConsumerRecord<?, ?> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= count;
            });
        }
        return values;
    }
}
