package dev.parley.kafka.registry;

/** Avro schemas shared by the registry tests, each named for the change it makes. */
final class TestSchemas {

    static final String USER_V1 = record("{\"name\":\"name\",\"type\":\"string\"}");
    /** Adds a field with a default: fine both ways. */
    static final String USER_WITH_EMAIL = record(
            "{\"name\":\"name\",\"type\":\"string\"}",
            "{\"name\":\"email\",\"type\":\"string\",\"default\":\"\"}");
    /** Adds a field without a default: a new reader cannot read old data (not backward). */
    static final String USER_WITH_AGE = record(
            "{\"name\":\"name\",\"type\":\"string\"}",
            "{\"name\":\"age\",\"type\":\"int\"}");
    /** No fields at all: reads anything, but an old reader needing "name" cannot read it. */
    static final String USER_EMPTY = record();
    /** "name" comes back as an int: readable after USER_EMPTY, not after USER_V1. */
    static final String USER_NAME_AS_INT = record("{\"name\":\"name\",\"type\":\"int\",\"default\":0}");

    private TestSchemas() {
    }

    static String record(String... fields) {
        return "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"dev.parley.test\",\"fields\":["
                + String.join(",", fields) + "]}";
    }
}
