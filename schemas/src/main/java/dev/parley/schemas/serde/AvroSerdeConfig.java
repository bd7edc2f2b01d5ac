package dev.parley.schemas.serde;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** How the Avro serde picks its writer schema and reader type, from Confluent's config keys. */
public record AvroSerdeConfig(boolean autoRegisterSchemas, boolean useLatestVersion, boolean specificAvroReader) {

    /** Register the record's schema when serializing (default true); false looks it up instead. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Write with the subject's latest registered schema (applies when auto-registration is off). */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Decode into generated classes (default true here); false yields GenericRecord. */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** Only Confluent's TopicNameStrategy is supported; other values are rejected. */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    /** Only Confluent's TopicNameStrategy is supported; other values are rejected. */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

    private static final String TOPIC_NAME_STRATEGY = "io.confluent.kafka.serializers.subject.TopicNameStrategy";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the record's schema under the subject when serializing")
            .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.LOW,
                    "Serialize with the subject's latest registered schema")
            .define(SPECIFIC_AVRO_READER, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Deserialize into generated SpecificRecord classes")
            .define(KEY_SUBJECT_NAME_STRATEGY, Type.STRING, TOPIC_NAME_STRATEGY, Importance.LOW,
                    "Subject naming for keys: TopicNameStrategy only")
            .define(VALUE_SUBJECT_NAME_STRATEGY, Type.STRING, TOPIC_NAME_STRATEGY, Importance.LOW,
                    "Subject naming for values: TopicNameStrategy only");

    /**
     * Reads the serde settings from a Kafka client config map.
     *
     * @throws ConfigException naming the key when a value is invalid or unsupported
     */
    public static AvroSerdeConfig from(Map<String, ?> config) {
        AbstractConfig parsed = new AbstractConfig(DEFINITION, config, false);
        for (String key : new String[] {KEY_SUBJECT_NAME_STRATEGY, VALUE_SUBJECT_NAME_STRATEGY}) {
            String strategy = parsed.getString(key);
            boolean topicName = strategy != null
                    && (strategy.equals("TopicNameStrategy") || strategy.endsWith(".TopicNameStrategy"));
            if (!topicName) {
                throw new ConfigException(key, strategy,
                        "only TopicNameStrategy (<topic>-key, <topic>-value) is supported");
            }
        }
        return new AvroSerdeConfig(parsed.getBoolean(AUTO_REGISTER_SCHEMAS), parsed.getBoolean(USE_LATEST_VERSION),
                parsed.getBoolean(SPECIFIC_AVRO_READER));
    }
}
