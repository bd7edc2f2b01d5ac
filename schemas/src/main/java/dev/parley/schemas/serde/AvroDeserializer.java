package dev.parley.schemas.serde;

import dev.parley.schemas.registry.CachingSchemaRegistryClient;
import dev.parley.schemas.registry.SchemaRegistryClient;
import dev.parley.schemas.registry.SchemaRegistryClients;
import dev.parley.schemas.registry.SchemaRegistryException;
import dev.parley.schemas.registry.SchemaRegistryUnreachableException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads Confluent-wire-format Avro, resolving the writer's schema (by id) against the reader's. */
public class AvroDeserializer<T> implements Deserializer<T> {

    // Never returns null for bytes it cannot decode: it throws a SerializationException naming the
    // reason (magic byte, too short, unknown schema id, registry unreachable, Avro decode failure,
    // unknown union branch). When the cause is a SchemaRegistryUnreachableException the failure is
    // transient: retry rather than dead-letter.

    private final Class<?> recordClass;
    private final Schema genericReaderSchema;
    private final boolean fixedGeneric;
    private final SchemaRegistryClient injectedRegistry;
    /** How to read the records of one writer schema: resolution depends on the writer, so one per schema id. */
    private record CachedReader(DatumReader<Object> reader, Optional<UnknownUnionBranchGuard> guard) {
    }

    private final Map<Integer, CachedReader> readers = new ConcurrentHashMap<>();
    private volatile SchemaRegistryClient registry;
    private volatile boolean generic;

    /**
     * For Kafka's {@code value.deserializer} config: with {@code specific.avro.reader=true} (the
     * default) the generated class is found by the writer schema's full name; with false,
     * records are {@link GenericRecord}s in the writer's schema.
     */
    public AvroDeserializer() {
        this(null, null, false, null);
    }

    /** Reads into {@code recordClass}, a generated SpecificRecord class, whose schema is the reader's schema. */
    public AvroDeserializer(Class<T> recordClass) {
        this(recordClass, null);
    }

    /** As {@link #AvroDeserializer(Class)}, with {@code registry} (wrapped in a cache) instead of the URL config. */
    public AvroDeserializer(Class<T> recordClass, SchemaRegistryClient registry) {
        this(requireSpecific(recordClass), null, false, registry);
    }

    /** Reads {@link GenericRecord}s resolved to {@code readerSchema}, or in the writer's schema when null. */
    public static AvroDeserializer<GenericRecord> generic(Schema readerSchema) {
        return new AvroDeserializer<>(null, readerSchema, true, null);
    }

    /** As {@link #generic(Schema)}, with {@code registry} (wrapped in a cache) instead of the URL config. */
    public static AvroDeserializer<GenericRecord> generic(Schema readerSchema, SchemaRegistryClient registry) {
        return new AvroDeserializer<>(null, readerSchema, true, registry);
    }

    private AvroDeserializer(Class<?> recordClass, Schema genericReaderSchema, boolean fixedGeneric,
                             SchemaRegistryClient registry) {
        this.recordClass = recordClass;
        this.genericReaderSchema = genericReaderSchema;
        this.fixedGeneric = fixedGeneric;
        this.injectedRegistry = registry;
        this.generic = fixedGeneric;
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
        boolean specificReader = AvroSerdeConfig.from(configs).specificAvroReader();
        if (recordClass != null && !specificReader) {
            throw new ConfigException(AvroSerdeConfig.SPECIFIC_AVRO_READER, false, "this deserializer reads "
                    + recordClass.getName() + "; for GenericRecord use AvroDeserializer.generic(...) "
                    + "or the no-argument constructor");
        }
        this.generic = fixedGeneric || (recordClass == null && !specificReader);
        this.readers.clear();
        this.registry = client;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null; // a tombstone stays a tombstone
        }
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer used before configure()");
        }
        int id = WireFormat.schemaId(data);
        CachedReader cached = reader(id);
        int length = data.length - WireFormat.HEADER_SIZE;
        try {
            if (cached.guard().isPresent()) {
                cached.guard().get().check(data, WireFormat.HEADER_SIZE, length, readerName());
            }
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE, length, null);
            Object record = cached.reader().read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("bytes left over after the record: the data does not match schema id " + id);
            }
            return (T) record;
        } catch (SerializationException e) {
            throw new SerializationException(cannotDecode(topic, id, data) + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(cannotDecode(topic, id, data) + e, e);
        }
    }

    private String cannotDecode(String topic, int id, byte[] data) {
        return "cannot decode Avro record from topic " + topic + " (schema id " + id + ", " + data.length
                + " bytes) as " + readerName() + ": ";
    }

    private CachedReader reader(int id) {
        CachedReader reader = readers.get(id);
        if (reader == null) {
            reader = newReader(id, writerSchema(id));
            readers.put(id, reader);
        }
        return reader;
    }

    private Schema writerSchema(int id) {
        try {
            return registry.schemaById(id);
        } catch (SchemaRegistryUnreachableException e) {
            throw new SerializationException("cannot fetch schema id " + id + ": " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
                throw new SerializationException("unknown schema id " + id
                        + ": the schema registry has no schema with this id (" + e.getMessage() + ")", e);
            }
            throw new SerializationException("cannot fetch schema id " + id + ": " + e.getMessage(), e);
        }
    }

    private CachedReader newReader(int id, Schema writer) {
        if (generic) {
            Schema reader = genericReaderSchema != null ? genericReaderSchema : writer;
            return new CachedReader(new GenericDatumReader<>(writer, reader, GenericData.get()),
                    UnknownUnionBranchGuard.between(writer, reader));
        }
        Class<?> type = recordClass != null ? recordClass : generatedClassOf(id, writer);
        SpecificData model = SpecificModels.forClass(type);
        Schema reader = model.getSchema(type);
        return new CachedReader(new SpecificDatumReader<>(writer, reader, model),
                UnknownUnionBranchGuard.between(writer, reader));
    }

    private static Class<?> generatedClassOf(int id, Schema writer) {
        Class<?> type = writer.getType() == Schema.Type.RECORD ? SpecificData.get().getClass(writer) : null;
        if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
            throw new SerializationException("no generated class for " + writer.getFullName() + " (schema id " + id
                    + ") on the classpath; set " + AvroSerdeConfig.SPECIFIC_AVRO_READER + "=false for GenericRecord");
        }
        return type;
    }

    private String readerName() {
        if (recordClass != null) {
            return recordClass.getName();
        }
        if (generic && genericReaderSchema != null) {
            return "GenericRecord of " + genericReaderSchema.getFullName();
        }
        return generic ? "GenericRecord" : "its generated class";
    }

    private static Class<?> requireSpecific(Class<?> recordClass) {
        if (recordClass == null || !SpecificRecord.class.isAssignableFrom(recordClass)
                || !IndexedRecord.class.isAssignableFrom(recordClass)) {
            throw new IllegalArgumentException(recordClass + " is not a generated Avro SpecificRecord class; "
                    + "use AvroDeserializer.generic(...) for GenericRecord");
        }
        return recordClass;
    }
}
