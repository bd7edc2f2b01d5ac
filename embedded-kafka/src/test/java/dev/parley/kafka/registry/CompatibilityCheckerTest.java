package dev.parley.kafka.registry;

import static dev.parley.kafka.registry.TestSchemas.USER_EMPTY;
import static dev.parley.kafka.registry.TestSchemas.USER_NAME_AS_INT;
import static dev.parley.kafka.registry.TestSchemas.USER_V1;
import static dev.parley.kafka.registry.TestSchemas.USER_WITH_AGE;
import static dev.parley.kafka.registry.TestSchemas.USER_WITH_EMAIL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompatibilityCheckerTest {

    @Test
    @DisplayName("a field added with a default passes every level")
    void addingFieldWithDefaultIsFullyCompatible() {
        for (CompatibilityLevel level : CompatibilityLevel.values()) {
            assertEquals(List.of(), check(USER_WITH_EMAIL, level, USER_V1), level.name());
        }
    }

    @Test
    @DisplayName("a field added without a default breaks BACKWARD and FULL but not FORWARD")
    void addingFieldWithoutDefault() {
        List<String> backward = check(USER_WITH_AGE, CompatibilityLevel.BACKWARD, USER_V1);
        assertEquals(1, backward.size(), backward.toString());
        assertTrue(backward.get(0).contains("READER_FIELD_MISSING_DEFAULT_VALUE"), backward.get(0));
        assertTrue(backward.get(0).contains("version 1"), backward.get(0));
        assertFalse(check(USER_WITH_AGE, CompatibilityLevel.FULL, USER_V1).isEmpty());
        assertEquals(List.of(), check(USER_WITH_AGE, CompatibilityLevel.FORWARD, USER_V1));
    }

    @Test
    @DisplayName("a field removed without a default breaks FORWARD and FULL but not BACKWARD")
    void removingFieldWithoutDefault() {
        assertEquals(List.of(), check(USER_V1, CompatibilityLevel.BACKWARD, USER_WITH_AGE));
        assertFalse(check(USER_V1, CompatibilityLevel.FORWARD, USER_WITH_AGE).isEmpty());
        assertFalse(check(USER_V1, CompatibilityLevel.FULL, USER_WITH_AGE).isEmpty());
    }

    @Test
    @DisplayName("BACKWARD looks only at the latest version, BACKWARD_TRANSITIVE at all of them")
    void backwardTransitiveChecksEveryVersion() {
        assertEquals(List.of(), check(USER_NAME_AS_INT, CompatibilityLevel.BACKWARD, USER_V1, USER_EMPTY));
        List<String> transitive = check(USER_NAME_AS_INT, CompatibilityLevel.BACKWARD_TRANSITIVE, USER_V1, USER_EMPTY);
        assertEquals(1, transitive.size(), transitive.toString());
        assertTrue(transitive.get(0).contains("TYPE_MISMATCH"), transitive.get(0));
        assertTrue(transitive.get(0).contains("version 1"), transitive.get(0));
    }

    @Test
    @DisplayName("FORWARD looks only at the latest version, FORWARD_TRANSITIVE at all of them")
    void forwardTransitiveChecksEveryVersion() {
        // USER_V1 (no default for name) cannot read USER_EMPTY's data; USER_NAME_AS_INT (default 0) can.
        assertEquals(List.of(), check(USER_EMPTY, CompatibilityLevel.FORWARD, USER_V1, USER_NAME_AS_INT));
        List<String> transitive = check(USER_EMPTY, CompatibilityLevel.FORWARD_TRANSITIVE, USER_V1, USER_NAME_AS_INT);
        assertEquals(1, transitive.size(), transitive.toString());
        assertTrue(transitive.get(0).contains("version 1 cannot read"), transitive.get(0));
    }

    @Test
    @DisplayName("FULL looks both ways at the latest version, FULL_TRANSITIVE both ways at every version")
    void fullTransitiveReportsBothDirections() {
        assertEquals(List.of(), check(USER_NAME_AS_INT, CompatibilityLevel.FULL, USER_V1, USER_EMPTY));
        List<String> problems = check(USER_NAME_AS_INT, CompatibilityLevel.FULL_TRANSITIVE, USER_V1, USER_EMPTY);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("the new schema cannot read data written with version 1"), problems.get(0));
        assertTrue(problems.get(1).startsWith("version 1 cannot read data written with the new schema"), problems.get(1));
    }

    @Test
    @DisplayName("NONE accepts a change of type")
    void noneAcceptsAnything() {
        assertEquals(List.of(), check("\"string\"", CompatibilityLevel.NONE, USER_V1));
    }

    @ParameterizedTest
    @EnumSource(CompatibilityLevel.class)
    @DisplayName("the first version of a subject is always compatible")
    void firstVersionIsCompatible(CompatibilityLevel level) {
        assertEquals(List.of(), check(USER_WITH_AGE, level));
    }

    @Test
    @DisplayName("levels parse in any case and an unknown one is error 42203")
    void levelsParse() {
        assertEquals(CompatibilityLevel.FORWARD_TRANSITIVE, CompatibilityLevel.parse("forward_transitive"));
        RegistryException e = assertThrows(RegistryException.class, () -> CompatibilityLevel.parse("SIDEWAYS"));
        assertEquals(RegistryException.INVALID_COMPATIBILITY_LEVEL, e.errorCode());
        assertEquals(422, e.httpStatus());
    }

    private static List<String> check(String candidate, CompatibilityLevel level, String... earlierOldestFirst) {
        SortedMap<Integer, Schema> earlier = new TreeMap<>();
        for (int i = 0; i < earlierOldestFirst.length; i++) {
            earlier.put(i + 1, AvroSchemas.parse(earlierOldestFirst[i]));
        }
        return CompatibilityChecker.incompatibilities(AvroSchemas.parse(candidate), earlier, level);
    }
}
