package dev.parley.kafka.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.kafka.registry.SchemaRecords.ConfigEntry;
import dev.parley.kafka.registry.SchemaRecords.IgnoredEntry;
import dev.parley.kafka.registry.SchemaRecords.SchemaEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SchemaRecordsTest {

    @Test
    @DisplayName("keys and values use Confluent's exact JSON layout")
    void confluentLayout() {
        assertEquals("{\"keytype\":\"SCHEMA\",\"subject\":\"chat-value\",\"version\":2,\"magic\":1}",
                SchemaRecords.schemaKey("chat-value", 2));
        assertEquals("{\"subject\":\"chat-value\",\"version\":2,\"id\":5,\"schema\":\"\\\"string\\\"\",\"deleted\":false}",
                SchemaRecords.schemaValue(new RegisteredSchema("chat-value", 2, 5, "\"string\"", false)));
        assertEquals("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}", SchemaRecords.configKey(null));
        assertEquals("{\"keytype\":\"CONFIG\",\"subject\":\"chat-value\",\"magic\":0}",
                SchemaRecords.configKey("chat-value"));
        assertEquals("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}",
                SchemaRecords.configValue(CompatibilityLevel.FULL_TRANSITIVE));
    }

    @Test
    @DisplayName("what is written parses back to the same entry")
    void roundTrip() {
        RegisteredSchema schema = new RegisteredSchema("chat-value", 3, 9, "\"long\"", true);
        SchemaEntry entry = assertInstanceOf(SchemaEntry.class, SchemaRecords.parse(
                SchemaRecords.schemaKey("chat-value", 3), SchemaRecords.schemaValue(schema)));
        assertEquals(schema, entry.value());

        ConfigEntry config = assertInstanceOf(ConfigEntry.class, SchemaRecords.parse(
                SchemaRecords.configKey(null), SchemaRecords.configValue(CompatibilityLevel.FORWARD)));
        assertEquals(new ConfigEntry(null, CompatibilityLevel.FORWARD), config);
    }

    @Test
    @DisplayName("record types this registry does not use are ignored, and non-JSON keys are refused")
    void otherRecords() {
        assertInstanceOf(IgnoredEntry.class, SchemaRecords.parse("{\"keytype\":\"NOOP\",\"magic\":0}", null));
        assertThrows(IllegalArgumentException.class, () -> SchemaRecords.parse("not json", "{}"));
    }

    @Test
    @DisplayName("versions in URLs: numbers from 1, latest or -1; anything else is error 42202")
    void versionIds() {
        assertEquals(true, VersionId.parse("latest").isLatest());
        assertEquals(true, VersionId.parse("-1").isLatest());
        assertEquals(false, VersionId.parse("3").isLatest());
        for (String bad : new String[] {"0", "-2", "abc", "1.5", ""}) {
            RegistryException e = assertThrows(RegistryException.class, () -> VersionId.parse(bad), bad);
            assertEquals(RegistryException.INVALID_VERSION, e.errorCode());
        }
    }
}
