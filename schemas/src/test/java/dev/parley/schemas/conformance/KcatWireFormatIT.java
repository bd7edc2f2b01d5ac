package dev.parley.schemas.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.UserTurn;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.registry.RegisteredSchema;
import dev.parley.schemas.registry.RestSchemaRegistryClient;
import dev.parley.schemas.registry.SchemaRegistryConfig;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Reads a record Parley produced with Debian's kcat (librdkafka), an outside client that knows nothing of Avro. */
@DisplayName("kcat reads Parley's records raw in the Confluent wire format")
class KcatWireFormatIT {

    @Test
    @DisplayName("a ledger record read raw by kcat starts with 0x00 and the registered schema id")
    void kcatSeesConfluentFraming() throws Exception {
        assertTrue(kcatAvailable(), "kcat is not on the PATH: apt-get install kcat (bash .ci/run installs it)");
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral();
             SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), 0)) {
            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), List.of(Topics.LEDGER));
            LedgerEvent event = LedgerEvent.newBuilder().setEventId("e-1").setSessionId("s-1").setTurnId("t-1")
                .setTimestamp(Instant.now()).setProducer("kcat-test").setPayload(UserTurn.newBuilder().setText("hello kcat").setClientTurnId(null).build()).build();
            Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                "schema.registry.url", registry.url());
            byte[] expected;
            try (AvroSerde<LedgerEvent> serde = Topics.LEDGER.valueSerde(config);
                 KafkaProducer<String, LedgerEvent> producer = new KafkaProducer<>(config, new StringSerializer(), serde.serializer())) {
                producer.send(new ProducerRecord<>(Topics.LEDGER.name(), "s-1", event)).get(30, TimeUnit.SECONDS);
                expected = serde.serializer().serialize(Topics.LEDGER.name(), event);
            }

            byte[] raw = kcatReadOne(kafka.bootstrapServers(), Topics.LEDGER.name());
            RegisteredSchema latest = new RestSchemaRegistryClient(SchemaRegistryConfig.from(Map.of("schema.registry.url", registry.url())))
                .latest(Topics.LEDGER.name() + "-value");
            assertEquals(0x00, raw[0], "magic byte");
            assertEquals(latest.id(), ByteBuffer.wrap(raw, 1, 4).getInt(), "the id registered for parley.ledger.v1-value");
            assertEquals(Arrays.toString(expected), Arrays.toString(raw), "kcat sees exactly the bytes Parley's serde wrote");
        }
    }

    /** Consumes one record from the start of the topic and returns its value bytes untouched. */
    private static byte[] kcatReadOne(String bootstrap, String topic) throws Exception {
        Process kcat = new ProcessBuilder("kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning",
            "-c", "1", "-e", "-q", "-f", "%s")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        byte[] out = kcat.getInputStream().readAllBytes();
        assertTrue(kcat.waitFor(60, TimeUnit.SECONDS), "kcat did not finish");
        assertEquals(0, kcat.exitValue(), "kcat exit code");
        return out;
    }

    private static boolean kcatAvailable() {
        try {
            Process p = new ProcessBuilder("kcat", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
