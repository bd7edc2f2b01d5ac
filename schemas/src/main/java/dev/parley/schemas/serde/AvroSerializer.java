package dev.parley.schemas.serde;

import dev.parley.schemas.registry.CachingSchemaRegistryClient;
import dev.parley.schemas.registry.RegisteredSchema;
import dev.parley.schemas.registry.SchemaRegistryClient;
import dev.parley.schemas.registry.SchemaRegistryClients;
import dev.parley.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes Avro records in the Confluent wire format under their TopicNameStrategy subject. */
public class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {

    private static final Logger log = LoggerFactory.getLogger(AvroSerializer.class);

    private record Target(int id, Schema schema) {
    }

    private record SchemaPair(Schema writer, Schema reader) {
    }

    /** Generated and generic records of one schema need different writers (logical-type conversions). */
    private record WriterKey(Schema schema, Class<?> recordClass) {
    }

    private final SchemaRegistryClient injectedRegistry;
    private final Map<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private final Map<SchemaPair, GenericDatumReader<Object>> converters = new ConcurrentHashMap<>();
    private volatile SchemaRegistryClient registry;
    private volatile AvroSerdeConfig config;
    private volatile boolean isKey;

    /** For Kafka's {@code value.serializer} config: the registry comes from {@code schema.registry.url}. */
    public AvroSerializer() {
        this(null);
    }

    /** Uses {@code registry} (wrapped in a cache) instead of {@code schema.registry.url}. */
    public AvroSerializer(SchemaRegistryClient registry) {
        this.injectedRegistry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SchemaRegistryClient client = injectedRegistry != null
                ? CachingSchemaRegistryClient.of(injectedRegistry)
                : SchemaRegistryClients.fromConfig(configs);
        configure(configs, isKey, client);
    }

    /** Shares one registry client (and so one cache) between the halves of an {@link AvroSerde}. */
    void configure(Map<String, ?> configs, boolean isKey, SchemaRegistryClient client) {
        AvroSerdeConfig parsed = AvroSerdeConfig.from(configs);
        if (parsed.autoRegisterSchemas() && parsed.useLatestVersion()) {
            log.warn("{}=true is ignored while {}=true (as in Confluent's serializer): "
                    + "the record's own schema is registered",
                    AvroSerdeConfig.USE_LATEST_VERSION, AvroSerdeConfig.AUTO_REGISTER_SCHEMAS);
        }
        this.config = parsed;
        this.isKey = isKey;
        this.registry = client;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null; // a tombstone stays a tombstone
        }
        if (registry == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        String subject = TopicNameStrategy.subject(topic, isKey);
        Target target = target(subject, record.getSchema());
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            WireFormat.writeHeader(out, target.id());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            Object datum = target.schema().equals(record.getSchema()) ? record : convert(record, target.schema());
            writer(target.schema(), datum).write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + record.getSchema().getFullName() + " to topic "
                    + topic + " with schema id " + target.id() + ": " + e, e);
        }
    }

    private Target target(String subject, Schema schema) {
        try {
            if (config.autoRegisterSchemas()) {
                return new Target(registry.register(subject, schema), schema);
            }
            if (config.useLatestVersion()) {
                RegisteredSchema latest = registry.latest(subject);
                return new Target(latest.id(), latest.schema());
            }
            return new Target(registry.lookup(subject, schema).id(), schema);
        } catch (SchemaRegistryException e) {
            throw new SerializationException(registryFailure(subject, schema, e), e);
        }
    }

    private String registryFailure(String subject, Schema schema, SchemaRegistryException e) {
        if (e.isNotFound() && config.useLatestVersion() && !config.autoRegisterSchemas()) {
            return "subject " + subject + " has no registered schema, and " + AvroSerdeConfig.USE_LATEST_VERSION
                    + "=true needs one: " + e.getMessage();
        }
        if (e.isNotFound() && !config.autoRegisterSchemas()) {
            return "schema " + schema.getFullName() + " is not registered under subject " + subject + " and "
                    + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + "=false: register it first (" + e.getMessage() + ")";
        }
        return "cannot get a schema id for " + schema.getFullName() + " under subject " + subject + ": "
                + e.getMessage();
    }

    /**
     * Re-expresses a record in another schema by Avro resolution (fields matched by name, defaults
     * filled in): writing a record directly with a different schema would match fields by position.
     */
    private Object convert(IndexedRecord record, Schema target) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(buffer, null);
        writer(record.getSchema(), record).write(record, encoder);
        encoder.flush();
        GenericDatumReader<Object> converter = converters.computeIfAbsent(new SchemaPair(record.getSchema(), target),
                pair -> new GenericDatumReader<>(pair.writer(), pair.reader(), GenericData.get()));
        return converter.read(null, DecoderFactory.get().binaryDecoder(buffer.toByteArray(), null));
    }

    private DatumWriter<Object> writer(Schema schema, Object datum) {
        boolean specific = datum instanceof SpecificRecord;
        WriterKey key = new WriterKey(schema, specific ? datum.getClass() : GenericData.class);
        return writers.computeIfAbsent(key, k -> specific
                ? new SpecificDatumWriter<>(k.schema(), SpecificModels.forClass(k.recordClass()))
                : new GenericDatumWriter<>(k.schema(), GenericData.get()));
    }
}
