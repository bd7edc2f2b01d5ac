package dev.parley.schemas.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/** One version of a subject in the schema registry: its subject, global id, version and schema. */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {

    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
