package dev.parley.schemas.registry;

import org.apache.avro.Schema;

/** The four schema-registry calls a Confluent-wire-format serde needs; each may block. */
public interface SchemaRegistryClient {

    // Production: RestSchemaRegistryClient inside a CachingSchemaRegistryClient. Tests and
    // mock:// URLs: InMemorySchemaRegistryClient.

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** Finds {@code schema} among the versions of {@code subject} without registering it. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The latest version registered under {@code subject}. */
    RegisteredSchema latest(String subject);

    /** The schema with this global id. */
    Schema schemaById(int id);
}
