package dev.parley.schemas.serde;

import dev.parley.schemas.registry.CachingSchemaRegistryClient;
import dev.parley.schemas.registry.SchemaRegistryClient;
import dev.parley.schemas.registry.SchemaRegistryClients;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The Confluent-wire-format Avro serde of one generated class; both halves share one cached registry client. */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final SchemaRegistryClient injectedRegistry;
    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /** A serde for {@code recordClass}; call {@link #configure} before use. */
    public AvroSerde(Class<T> recordClass) {
        this(recordClass, null);
    }

    /** A serde for {@code recordClass} using {@code registry} instead of {@code schema.registry.url}. */
    public AvroSerde(Class<T> recordClass, SchemaRegistryClient registry) {
        Objects.requireNonNull(recordClass, "recordClass");
        this.injectedRegistry = registry;
        this.serializer = new AvroSerializer<>(registry);
        this.deserializer = new AvroDeserializer<>(recordClass, registry);
    }

    /** A configured serde for {@code recordClass}, for keys or values, from a Kafka client config map. */
    public static <T extends SpecificRecord> AvroSerde<T> forClass(Class<T> recordClass, Map<String, ?> config,
                                                                    boolean isKey) {
        AvroSerde<T> serde = new AvroSerde<>(recordClass);
        serde.configure(config, isKey);
        return serde;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SchemaRegistryClient client = injectedRegistry != null
                ? CachingSchemaRegistryClient.of(injectedRegistry)
                : SchemaRegistryClients.fromConfig(configs);
        serializer.configure(configs, isKey, client);
        deserializer.configure(configs, isKey, client);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
