package dev.parley.kafka.registry;

import static dev.parley.kafka.registry.TestSchemas.USER_V1;
import static dev.parley.kafka.registry.TestSchemas.USER_WITH_EMAIL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RegistryStateTest {

    private final RegistryState state = new RegistryState();

    @Test
    @DisplayName("schema records build subjects, versions and ids, with the next id after the highest")
    void schemaRecordsBuildState() {
        apply(new RegisteredSchema("a-value", 1, 1, USER_V1, false));
        apply(new RegisteredSchema("a-value", 2, 7, USER_WITH_EMAIL, false));
        apply(new RegisteredSchema("b-value", 1, 1, USER_V1, false));

        assertEquals(List.of("a-value", "b-value"), state.subjects(false));
        assertEquals(2, state.versions("a-value", false).size());
        assertEquals(Optional.of(AvroSchemas.normalize(USER_V1)), state.schemaById(1));
        assertEquals(Optional.of(7), state.idOf(AvroSchemas.normalize(USER_WITH_EMAIL)));
        assertEquals(8, state.nextId());
        assertEquals(List.of("a-value", "b-value"),
                state.versionsWithId(1).stream().map(RegisteredSchema::subject).toList());
    }

    @Test
    @DisplayName("schema text written by another registry is normalized, so it matches the same schema sent later")
    void foreignSchemaTextIsNormalized() {
        String spaced = USER_V1.replace(",", " ,\n  ");
        apply(new RegisteredSchema("a-value", 1, 3, spaced, false));
        assertEquals(Optional.of(3), state.idOf(AvroSchemas.normalize(USER_V1)));
    }

    @Test
    @DisplayName("a version re-written as deleted hides the subject but keeps its id resolvable")
    void softDelete() {
        RegisteredSchema v1 = new RegisteredSchema("a-value", 1, 1, USER_V1, false);
        apply(v1);
        apply(v1.asDeleted());

        assertEquals(List.of(), state.subjects(false));
        assertEquals(List.of("a-value"), state.subjects(true));
        assertEquals(List.of(), state.versions("a-value", false));
        assertTrue(state.schemaById(1).isPresent());
        assertEquals(List.of(), state.versionsWithId(1));
    }

    @Test
    @DisplayName("Confluent's DELETE_SUBJECT record soft-deletes the versions up to its version")
    void confluentDeleteSubjectRecord() {
        apply(new RegisteredSchema("a-value", 1, 1, USER_V1, false));
        apply(new RegisteredSchema("a-value", 2, 2, USER_WITH_EMAIL, false));
        state.apply(SchemaRecords.parse("{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"a-value\",\"magic\":0}",
                "{\"subject\":\"a-value\",\"version\":1}"));
        assertEquals(List.of(2), state.versions("a-value", false).stream().map(RegisteredSchema::version).toList());
    }

    @Test
    @DisplayName("a schema tombstone removes the version, and the subject with its last version")
    void schemaTombstone() {
        apply(new RegisteredSchema("a-value", 1, 1, USER_V1, false));
        state.apply(SchemaRecords.parse(SchemaRecords.schemaKey("a-value", 1), null));
        assertEquals(List.of(), state.subjects(true));
    }

    @Test
    @DisplayName("config records set and clear the global and subject levels")
    void configRecords() {
        assertEquals(CompatibilityLevel.BACKWARD, state.globalLevel());
        state.apply(SchemaRecords.parse(SchemaRecords.configKey(null), SchemaRecords.configValue(CompatibilityLevel.NONE)));
        state.apply(SchemaRecords.parse(SchemaRecords.configKey("a-value"),
                SchemaRecords.configValue(CompatibilityLevel.FULL)));
        assertEquals(CompatibilityLevel.NONE, state.globalLevel());
        assertEquals(Optional.of(CompatibilityLevel.FULL), state.subjectLevel("a-value"));

        state.apply(SchemaRecords.parse(SchemaRecords.configKey("a-value"), null));
        assertEquals(Optional.empty(), state.subjectLevel("a-value"));
    }

    private void apply(RegisteredSchema schema) {
        state.apply(SchemaRecords.parse(SchemaRecords.schemaKey(schema.subject(), schema.version()),
                SchemaRecords.schemaValue(schema)));
    }
}
