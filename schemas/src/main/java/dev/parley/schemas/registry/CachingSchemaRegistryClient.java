package dev.parley.schemas.registry;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/** Remembers registry answers so a serde calls the registry once per schema, not once per record. */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    // Ids and schemas never change once registered, so those caches never expire. A subject's
    // latest version does change; like Confluent's client by default it is cached for the life of
    // the client (restart a producer to pick up a newer version). Failures are not cached.

    private record SubjectSchema(String subject, Schema schema) {
    }

    private final SchemaRegistryClient delegate;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> registeredIds = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, RegisteredSchema> lookups = new ConcurrentHashMap<>();
    private final Map<String, RegisteredSchema> latestBySubject = new ConcurrentHashMap<>();

    public CachingSchemaRegistryClient(SchemaRegistryClient delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Wraps {@code client} unless it already caches. */
    public static SchemaRegistryClient of(SchemaRegistryClient client) {
        return client instanceof CachingSchemaRegistryClient ? client : new CachingSchemaRegistryClient(client);
    }

    // Plain get-then-put instead of computeIfAbsent: the loader is a network call, and
    // computeIfAbsent would hold a map lock during it. A rare double fetch is harmless.

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer id = registeredIds.get(key);
        if (id == null) {
            id = delegate.register(subject, schema);
            registeredIds.put(key, id);
            schemasById.putIfAbsent(id, schema);
        }
        return id;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        RegisteredSchema found = lookups.get(key);
        if (found == null) {
            found = delegate.lookup(subject, schema);
            lookups.put(key, found);
            schemasById.putIfAbsent(found.id(), found.schema());
        }
        return found;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        RegisteredSchema latest = latestBySubject.get(subject);
        if (latest == null) {
            latest = delegate.latest(subject);
            latestBySubject.put(subject, latest);
            schemasById.putIfAbsent(latest.id(), latest.schema());
        }
        return latest;
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            schema = delegate.schemaById(id);
            schemasById.put(id, schema);
        }
        return schema;
    }

    @Override
    public String toString() {
        return "Caching(" + delegate + ")";
    }
}
