package dev.parley.kafka.registry;

import org.apache.avro.Schema;

/** Parses Avro schema text into the normalized form the registry stores and compares. */
final class AvroSchemas {

    private AvroSchemas() {
    }

    /** Parses with a fresh parser: a shared one would remember named types and refuse to see them twice. */
    static Schema parse(String text) {
        if (text == null || text.isBlank()) {
            throw RegistryException.invalidSchema("Invalid schema: the schema is empty");
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw RegistryException.invalidSchema("Invalid schema: " + e.getMessage());
        }
    }

    /**
     * Avro's own {@code toString()} of the parsed schema: whitespace-free and stable, but unlike the Parsing
     * Canonical Form it keeps defaults and docs, which matter for compatibility.
     */
    static String normalize(String text) {
        return parse(text).toString();
    }

    /** For records written by other registries: keep the text as is if this Avro version cannot parse it. */
    static String normalizeOrKeep(String text) {
        try {
            return normalize(text);
        } catch (RegistryException e) {
            return text;
        }
    }
}
