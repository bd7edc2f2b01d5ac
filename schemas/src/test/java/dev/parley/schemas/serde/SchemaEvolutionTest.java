package dev.parley.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.GenerationSettings;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.TokenChunk;
import dev.parley.avro.UserTurn;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Schema evolution through the serde's resolution")
class SchemaEvolutionTest {

    /** TokenChunk as it might have been first released: no stage, final, finishReason or usage. */
    static final Schema TOKEN_CHUNK_V0 = new Schema.Parser().parse("""
            {"type": "record", "name": "TokenChunk", "namespace": "dev.parley.avro", "fields": [
              {"name": "sessionId", "type": "string"},
              {"name": "turnId", "type": "string"},
              {"name": "attempt", "type": "int"},
              {"name": "seq", "type": "int"},
              {"name": "text", "type": "string"}
            ]}""");

    /** A note, version 1. */
    static final Schema NOTE_V1 = new Schema.Parser().parse("""
            {"type": "record", "name": "Note", "namespace": "dev.parley.test", "fields": [
              {"name": "id", "type": "string"},
              {"name": "text", "type": "string"},
              {"name": "draft", "type": "boolean", "default": false}
            ]}""");

    /** Version 2: adds lang (with a default) and drops draft (which had one): FULL-compatible both ways. */
    static final Schema NOTE_V2 = new Schema.Parser().parse("""
            {"type": "record", "name": "Note", "namespace": "dev.parley.test", "fields": [
              {"name": "id", "type": "string"},
              {"name": "text", "type": "string"},
              {"name": "lang", "type": "string", "default": "en"}
            ]}""");

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerializer<GenericRecord> genericWriter = new AvroSerializer<>(registry);
    private final AvroSerde<TokenChunk> tokenSerde = new AvroSerde<>(TokenChunk.class, registry);

    SchemaEvolutionTest() {
        genericWriter.configure(Map.of(), false);
        tokenSerde.configure(Map.of(), false);
    }

    @Test
    @DisplayName("a new reader (the generated TokenChunk) reads an old writer's record, filling in the defaults")
    void newReaderOldWriter() {
        GenericRecord old = new GenericRecordBuilder(TOKEN_CHUNK_V0).set("sessionId", "s").set("turnId", "t")
                .set("attempt", 1).set("seq", 4).set("text", "hel").build();

        byte[] bytes = genericWriter.serialize("tokens", old);
        TokenChunk read = tokenSerde.deserializer().deserialize("tokens", bytes);

        assertEquals("s", read.getSessionId());
        assertEquals(4, read.getSeq());
        assertEquals("hel", read.getText());
        assertEquals("answer", read.getStage());
        assertFalse(read.getFinal$());
        assertNull(read.getFinishReason());
        assertNull(read.getUsage());
    }

    @Test
    @DisplayName("an old reader (TokenChunk v0) reads a new writer's record, ignoring the fields it does not know")
    void oldReaderNewWriter() {
        TokenChunk chunk = SampleRecords.finalTokenChunk();
        AvroDeserializer<GenericRecord> oldReader = AvroDeserializer.generic(TOKEN_CHUNK_V0, registry);
        oldReader.configure(Map.of(), false);

        GenericRecord read = oldReader.deserialize("tokens", tokenSerde.serializer().serialize("tokens", chunk));

        assertEquals(TOKEN_CHUNK_V0, read.getSchema());
        assertEquals(chunk.getTurnId(), read.get("turnId").toString());
        assertEquals(chunk.getSeq(), read.get("seq"));
        assertEquals(chunk.getText(), read.get("text").toString());
    }

    @Test
    @DisplayName("a note written as v1 reads as v2 and a note written as v2 reads as v1")
    void bothWaysWithTestSchemas() {
        GenericRecord v1 = new GenericRecordBuilder(NOTE_V1).set("id", "n1").set("text", "hi").set("draft", true).build();
        GenericRecord v2 = new GenericRecordBuilder(NOTE_V2).set("id", "n2").set("text", "salut").set("lang", "fr").build();
        byte[] writtenV1 = genericWriter.serialize("notes", v1);
        byte[] writtenV2 = genericWriter.serialize("notes", v2);
        assertNotEquals(WireFormat.schemaId(writtenV1), WireFormat.schemaId(writtenV2));

        AvroDeserializer<GenericRecord> readerV1 = AvroDeserializer.generic(NOTE_V1, registry);
        AvroDeserializer<GenericRecord> readerV2 = AvroDeserializer.generic(NOTE_V2, registry);
        readerV1.configure(Map.of(), false);
        readerV2.configure(Map.of(), false);

        GenericRecord newReadsOld = readerV2.deserialize("notes", writtenV1);
        assertEquals(NOTE_V2, newReadsOld.getSchema());
        assertEquals("hi", newReadsOld.get("text").toString());
        assertEquals("en", newReadsOld.get("lang").toString());

        GenericRecord oldReadsNew = readerV1.deserialize("notes", writtenV2);
        assertEquals(NOTE_V1, oldReadsNew.getSchema());
        assertEquals("salut", oldReadsNew.get("text").toString());
        assertEquals(false, oldReadsNew.get("draft"));
    }

    @Test
    @DisplayName("a reader from before ReplyCancelled reads the older payloads and refuses the new one, never misreads it")
    void ledgerUnionGrowsAtTheEnd() {
        AvroSerde<LedgerEvent> ledger = new AvroSerde<>(LedgerEvent.class, registry);
        ledger.configure(Map.of(), false);
        AvroDeserializer<GenericRecord> oldReader = AvroDeserializer.generic(ledgerBeforeReplyCancelled(), registry);
        oldReader.configure(Map.of(), false);

        List<LedgerEvent> events = SampleRecords.ledgerEvents();
        for (LedgerEvent event : events.subList(0, 3)) {
            GenericRecord read = oldReader.deserialize("ledger", ledger.serializer().serialize("ledger", event));
            assertEquals(event.getEventId(), read.get("eventId").toString());
            assertEquals(event.getPayload().getClass().getName(),
                    ((GenericRecord) read.get("payload")).getSchema().getFullName());
        }
        // Avro on its own would resolve ReplyCancelled to the look-alike ReplyFailed when reason is set
        for (String reason : new String[] {null, "user pressed stop"}) {
            LedgerEvent cancelled = SampleRecords.ledgerEvent(ReplyCancelled.newBuilder().setPartialText("A").setReason(reason).build(), 1);
            byte[] bytes = ledger.serializer().serialize("ledger", cancelled);
            SerializationException e = assertThrows(SerializationException.class,
                    () -> oldReader.deserialize("ledger", bytes));
            assertTrue(e.getMessage().contains("the writer used dev.parley.avro.ReplyCancelled, which GenericRecord "
                    + "of dev.parley.avro.LedgerEvent does not know"), e.getMessage());
        }
    }

    @Test
    @DisplayName("the generated LedgerEvent reads a record written before ReplyCancelled existed")
    void newLedgerReaderReadsOldUnion() {
        Schema oldLedger = ledgerBeforeReplyCancelled();
        Schema userTurnSchema = oldLedger.getField("payload").schema().getTypes().get(0);
        GenericRecord payload = new GenericRecordBuilder(userTurnSchema).set("text", "hello").build();
        GenericRecord old = new GenericRecordBuilder(oldLedger).set("eventId", "e1").set("sessionId", "s")
                .set("turnId", "t").set("timestamp", SampleRecords.NOW.toEpochMilli()).set("producer", "old-ingest")
                .set("payload", payload).build();
        AvroDeserializer<LedgerEvent> reader = new AvroDeserializer<>(LedgerEvent.class, registry);
        reader.configure(Map.of(), false);

        LedgerEvent read = reader.deserialize("ledger", genericWriter.serialize("ledger", old));

        assertEquals(SampleRecords.NOW, read.getTimestamp());
        assertEquals(0, read.getAttempt());
        assertEquals(UserTurn.newBuilder().setText("hello").setClientTurnId(null).build(), read.getPayload());
    }

    @Test
    @DisplayName("UserTurn.generation is optional both ways: old turns read with none, old readers skip it")
    void generationSettingsAreOptional() {
        AvroSerde<LedgerEvent> ledger = new AvroSerde<>(LedgerEvent.class, registry);
        ledger.configure(Map.of(), false);
        Schema oldLedger = ledgerBeforeGenerationSettings();
        AvroDeserializer<GenericRecord> oldReader = AvroDeserializer.generic(oldLedger, registry);
        oldReader.configure(Map.of(), false);
        GenerationSettings settings = GenerationSettings.newBuilder().setMaxTokens(5).setTemperature(0.2)
                .setStop(List.of("END")).build();
        LedgerEvent turn = SampleRecords.ledgerEvent(UserTurn.newBuilder().setText("hi").setGeneration(settings)
                .build(), 0);

        GenericRecord read = oldReader.deserialize("ledger", ledger.serializer().serialize("ledger", turn));
        GenericRecord payload = (GenericRecord) read.get("payload");
        assertEquals("hi", payload.get("text").toString());
        assertFalse(payload.hasField("generation"));

        Schema oldUserTurn = oldLedger.getField("payload").schema().getTypes().get(0);
        GenericRecord old = new GenericRecordBuilder(oldLedger).set("eventId", "e1").set("sessionId", "s")
                .set("turnId", "t").set("timestamp", SampleRecords.NOW.toEpochMilli()).set("producer", "old-ingest")
                .set("payload", new GenericRecordBuilder(oldUserTurn).set("text", "hello").build()).build();
        LedgerEvent newRead = ledger.deserializer().deserialize("ledger", genericWriter.serialize("ledger", old));
        assertNull(((UserTurn) newRead.getPayload()).getGeneration());
        assertEquals(settings, ((UserTurn) ledger.deserializer().deserialize("ledger",
                ledger.serializer().serialize("ledger", turn)).getPayload()).getGeneration());
    }

    /** LedgerEvent as it was before UserTurn.generation was added. */
    static Schema ledgerBeforeGenerationSettings() {
        Schema current = LedgerEvent.getClassSchema();
        List<Schema.Field> fields = current.getFields().stream().map(field -> {
            Schema schema = field.schema();
            if (field.name().equals("payload")) {
                List<Schema> branches = new ArrayList<>(schema.getTypes());
                Schema turn = branches.get(0);
                List<Schema.Field> turnFields = turn.getFields().stream()
                        .filter(f -> !f.name().equals("generation")).map(f -> new Schema.Field(f, f.schema())).toList();
                branches.set(0, Schema.createRecord(turn.getName(), turn.getDoc(), turn.getNamespace(), false,
                        turnFields));
                schema = Schema.createUnion(branches);
            }
            return new Schema.Field(field, schema);
        }).toList();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** LedgerEvent as it would be with only its first three payload types, before ReplyCancelled was appended. */
    static Schema ledgerBeforeReplyCancelled() {
        Schema current = LedgerEvent.getClassSchema();
        List<Schema.Field> fields = current.getFields().stream().map(field -> {
            Schema schema = field.schema();
            if (field.name().equals("payload")) {
                List<Schema> branches = schema.getTypes();
                schema = Schema.createUnion(branches.subList(0, 3));
            }
            return new Schema.Field(field, schema);
        }).toList();
        Schema old = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        assertEquals(List.of("UserTurn", "AssistantReply", "ReplyFailed"),
                old.getField("payload").schema().getTypes().stream().map(Schema::getName).toList());
        return old;
    }
}
