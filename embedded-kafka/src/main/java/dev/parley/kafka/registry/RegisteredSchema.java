package dev.parley.kafka.registry;

/** One version of a subject, exactly as the {@code _schemas} log records it. */
record RegisteredSchema(String subject, int version, int id, String schema, boolean deleted) {

    RegisteredSchema asDeleted() {
        return new RegisteredSchema(subject, version, id, schema, true);
    }

    RegisteredSchema withSchema(String text) {
        return new RegisteredSchema(subject, version, id, text, deleted);
    }
}
