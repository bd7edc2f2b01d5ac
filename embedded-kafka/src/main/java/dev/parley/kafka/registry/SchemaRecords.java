package dev.parley.kafka.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Confluent's own JSON layout for {@code _schemas} keys and values, so a log written here can be read by
 * Confluent's registry and the other way round.
 */
final class SchemaRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A decoded {@code _schemas} record. */
    sealed interface LogRecord permits SchemaEntry, ConfigEntry, DeleteSubjectEntry, IgnoredEntry {
    }

    /** A subject version; {@code value} is null for a tombstone. */
    record SchemaEntry(String subject, int version, RegisteredSchema value) implements LogRecord {
    }

    /** A compatibility level; {@code subject} null is the global level, {@code level} null a tombstone. */
    record ConfigEntry(String subject, CompatibilityLevel level) implements LogRecord {
    }

    /** Confluent's own soft delete of every version up to {@code version}. */
    record DeleteSubjectEntry(String subject, int version) implements LogRecord {
    }

    /** A record type this registry does not use (NOOP, MODE, ...). */
    record IgnoredEntry(String keytype) implements LogRecord {
    }

    private SchemaRecords() {
    }

    // Field order is part of the key's identity for compaction, so keys are built field by field.
    static String schemaKey(String subject, int version) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "SCHEMA");
        key.put("subject", subject);
        key.put("version", version);
        key.put("magic", 1);
        return key.toString();
    }

    static String schemaValue(RegisteredSchema schema) {
        ObjectNode value = JSON.createObjectNode();
        value.put("subject", schema.subject());
        value.put("version", schema.version());
        value.put("id", schema.id());
        value.put("schema", schema.schema());
        value.put("deleted", schema.deleted());
        return value.toString();
    }

    static String configKey(String subjectOrNull) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "CONFIG");
        key.put("subject", subjectOrNull);
        key.put("magic", 0);
        return key.toString();
    }

    static String configValue(CompatibilityLevel level) {
        ObjectNode value = JSON.createObjectNode();
        value.put("compatibilityLevel", level.name());
        return value.toString();
    }

    /** Decodes one record; throws {@link IllegalArgumentException} for a record that is not Confluent's layout. */
    static LogRecord parse(String key, String value) {
        JsonNode keyNode = read(key);
        String keytype = keyNode.path("keytype").asText("");
        String subject = keyNode.hasNonNull("subject") ? keyNode.get("subject").asText() : null;
        switch (keytype) {
            case "SCHEMA":
                return new SchemaEntry(required(subject, key), keyNode.path("version").asInt(),
                        value == null ? null : schemaFrom(read(value)));
            case "CONFIG":
                return new ConfigEntry(subject, value == null ? null : levelFrom(read(value)));
            case "DELETE_SUBJECT":
                return new DeleteSubjectEntry(required(subject, key),
                        value == null ? 0 : read(value).path("version").asInt());
            default:
                return new IgnoredEntry(keytype);
        }
    }

    private static RegisteredSchema schemaFrom(JsonNode value) {
        return new RegisteredSchema(value.path("subject").asText(), value.path("version").asInt(),
                value.path("id").asInt(), value.path("schema").asText(), value.path("deleted").asBoolean(false));
    }

    private static CompatibilityLevel levelFrom(JsonNode value) {
        JsonNode level = value.get("compatibilityLevel");
        return level == null || level.isNull() ? null : CompatibilityLevel.parse(level.asText());
    }

    private static String required(String subject, String key) {
        if (subject == null) {
            throw new IllegalArgumentException("no subject in key " + key);
        }
        return subject;
    }

    private static JsonNode read(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object: " + json);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }
}
