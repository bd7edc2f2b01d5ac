package dev.parley.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/** A schema registry in memory with Confluent's ids and error codes, for tests and mock://scope URLs. */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    // Ids are global, as in Confluent's: one schema has one id in every subject. It does not check
    // compatibility between versions; the real registry does.

    private static final Map<String, InMemorySchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final Map<Schema, Integer> ids = new HashMap<>();
    private final Map<Integer, Schema> schemas = new HashMap<>();
    private final Map<String, List<Schema>> versionsBySubject = new HashMap<>();

    /** The registry shared by every {@code mock://<scope>} client in this JVM. */
    public static InMemorySchemaRegistryClient forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, name -> new InMemorySchemaRegistryClient());
    }

    /** Forgets the registry of {@code mock://<scope>}, e.g. after a test. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        int id = ids.computeIfAbsent(schema, s -> {
            int next = ids.size() + 1;
            schemas.put(next, s);
            return next;
        });
        List<Schema> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(schema)) {
            versions.add(schema);
        }
        return id;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        List<Schema> versions = versions(subject);
        int index = versions.indexOf(schema);
        if (index < 0) {
            throw new SchemaRegistryException("Schema not found under subject '" + subject + "'",
                    404, SchemaRegistryException.SCHEMA_NOT_FOUND);
        }
        return new RegisteredSchema(subject, ids.get(schema), index + 1, schema);
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Schema> versions = versions(subject);
        Schema schema = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, ids.get(schema), versions.size(), schema);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema " + id + " not found", 404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND);
        }
        return schema;
    }

    /** The subjects registered so far. */
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    private List<Schema> versions(String subject) {
        List<Schema> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException("Subject '" + subject + "' not found", 404,
                    SchemaRegistryException.SUBJECT_NOT_FOUND);
        }
        return versions;
    }
}
