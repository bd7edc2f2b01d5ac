package dev.parley.schemas.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.TokenChunk;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.serde.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Conformance judged by a client nobody at Parley wrote: Confluent's official Node.js client
 * {@code @confluentinc/schemaregistry} (pinned by src/test/js/package-lock.json) against Parley's
 * registry and Parley's Java serde.
 */
@DisplayName("Confluent's official Node.js client against Parley's registry and serde")
class ConfluentClientConformanceIT {

    private static final Path SCRIPT_DIR = Path.of("src/test/js");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;
    private static SchemaRegistry registry;

    @BeforeAll
    static void start() {
        assertTrue(Files.exists(SCRIPT_DIR.resolve("node_modules/@confluentinc/schemaregistry/package.json")),
            "Confluent's Node.js client is not installed: run `npm ci` in schemas/src/test/js (the build does it when missing)");
        kafka = EmbeddedKafka.ephemeral();
        registry = SchemaRegistry.start(kafka.bootstrapServers(), 0);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @DisplayName("a LedgerEvent serialized by Confluent's JS serializer is read by Parley's Java deserializer")
    void javaReadsWhatJavaScriptWrote() throws Exception {
        String topic = "conformance-js-to-java";
        ObjectNode record = JSON.createObjectNode()
            .put("eventId", "e-1").put("sessionId", "s-1").put("turnId", "t-1")
            .put("timestamp", 1_767_225_600_123L).put("producer", "node").put("attempt", 0);
        record.putObject("payload").putObject("dev.parley.avro.UserTurn").put("text", "hello from node").put("clientTurnId", "c-9");

        JsonNode out = node("serialize", Map.of("url", registry.url(), "topic", topic,
            "schema", LedgerEvent.getClassSchema().toString(), "record", record));
        byte[] bytes = Base64.getDecoder().decode(out.get("base64").asText());
        assertEquals(WireFormat.MAGIC_BYTE, bytes[0]);
        assertEquals(out.get("id").asInt(), WireFormat.schemaId(bytes), "the JS client framed the id the registry gave it");

        try (AvroSerde<LedgerEvent> serde = serde(LedgerEvent.class)) {
            LedgerEvent event = serde.deserializer().deserialize(topic, bytes);
            assertEquals("s-1", event.getSessionId());
            assertEquals(Instant.ofEpochMilli(1_767_225_600_123L), event.getTimestamp());
            dev.parley.avro.UserTurn turn = (dev.parley.avro.UserTurn) event.getPayload();
            assertEquals("hello from node", turn.getText());
            assertEquals("c-9", turn.getClientTurnId());
        }
    }

    @Test
    @DisplayName("a LedgerEvent serialized by Parley's Java serializer is read by Confluent's JS deserializer")
    void javaScriptReadsWhatJavaWrote() throws Exception {
        String topic = "conformance-java-to-js";
        LedgerEvent event = LedgerEvent.newBuilder()
            .setEventId("e-2").setSessionId("s-2").setTurnId("t-2").setTimestamp(Instant.ofEpochMilli(1_767_225_600_456L))
            .setProducer("java").setAttempt(2)
            .setPayload(ReplyFailed.newBuilder().setPartialText("Once upon").setReason("upstream stalled").build())
            .build();
        byte[] bytes;
        try (AvroSerde<LedgerEvent> serde = serde(LedgerEvent.class)) {
            bytes = serde.serializer().serialize(topic, event);
        }

        JsonNode read = node("deserialize", Map.of("url", registry.url(), "topic", topic,
            "base64", Base64.getEncoder().encodeToString(bytes))).get("record");
        assertEquals("s-2", read.get("sessionId").asText());
        assertEquals(2, read.get("attempt").asInt());
        assertEquals(1_767_225_600_456L, read.get("timestamp").asLong());
        JsonNode failed = read.get("payload").get("dev.parley.avro.ReplyFailed");
        assertEquals("Once upon", failed.get("partialText").asText());
        assertEquals("upstream stalled", failed.get("reason").asText());
    }

    @Test
    @DisplayName("an incompatible schema is refused with 409 and testSubjectCompatibility says false")
    void incompatibleSchemaIsRefused() throws Exception {
        String topic = "conformance-incompatible";
        try (AvroSerde<TokenChunk> serde = serde(TokenChunk.class)) {
            serde.serializer().serialize(topic, TokenChunk.newBuilder().setSessionId("s").setTurnId("t")
                .setAttempt(1).setSeq(0).setText("x").build());
        }
        // seq changes from int to string: no reader of either version can read the other's data.
        String incompatible = TokenChunk.getClassSchema().toString().replace(
            "{\"name\":\"seq\",\"type\":\"int\"}", "{\"name\":\"seq\",\"type\":\"string\"}");
        assertFalse(incompatible.equals(TokenChunk.getClassSchema().toString()), "the test schema really differs");

        JsonNode out = node("incompatible", Map.of("url", registry.url(), "subject", topic + "-value", "schema", incompatible));
        assertFalse(out.get("compatible").asBoolean(), "testSubjectCompatibility");
        JsonNode register = out.get("register");
        assertFalse(register.get("ok").asBoolean(), "the registration must fail");
        assertEquals(409, register.get("status").asInt());
    }

    @Test
    @DisplayName("an unknown schema id gives 40403 and an unknown subject 40401")
    void unknownIdAndSubject() throws Exception {
        JsonNode unknownId = node("unknownId", Map.of("url", registry.url(), "subject", "nobody-value", "id", 987_654));
        assertFalse(unknownId.get("ok").asBoolean());
        assertEquals(404, unknownId.get("status").asInt());
        assertEquals(40403, unknownId.get("errorCode").asInt());

        JsonNode unknownSubject = node("unknownSubject", Map.of("url", registry.url(), "subject", "nobody-value"));
        assertFalse(unknownSubject.get("ok").asBoolean());
        assertEquals(404, unknownSubject.get("status").asInt());
        assertEquals(40401, unknownSubject.get("errorCode").asInt());
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> AvroSerde<T> serde(Class<T> type) {
        return AvroSerde.forClass(type, Map.of("schema.registry.url", registry.url()), false);
    }

    /** Runs one command of confluent-client.mjs and returns the JSON line it printed. */
    private static JsonNode node(String command, Map<String, Object> args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of("node", "confluent-client.mjs", command, JSON.writeValueAsString(args)))
            .directory(SCRIPT_DIR.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        byte[] stdout = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "node " + command + " did not finish");
        String output = new String(stdout, StandardCharsets.UTF_8).trim();
        assertEquals(0, process.exitValue(), "node " + command + " failed; it printed: " + output);
        return JSON.readTree(output);
    }
}
