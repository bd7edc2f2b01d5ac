package dev.parley.schemas.registry;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/** Counts the calls that reach a registry, to prove the serde's caching. */
public final class CountingSchemaRegistryClient implements SchemaRegistryClient {

    public final AtomicInteger registers = new AtomicInteger();
    public final AtomicInteger lookups = new AtomicInteger();
    public final AtomicInteger latests = new AtomicInteger();
    public final AtomicInteger byIds = new AtomicInteger();
    private final SchemaRegistryClient delegate;

    public CountingSchemaRegistryClient(SchemaRegistryClient delegate) {
        this.delegate = delegate;
    }

    public int total() {
        return registers.get() + lookups.get() + latests.get() + byIds.get();
    }

    @Override
    public int register(String subject, Schema schema) {
        registers.incrementAndGet();
        return delegate.register(subject, schema);
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        lookups.incrementAndGet();
        return delegate.lookup(subject, schema);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        latests.incrementAndGet();
        return delegate.latest(subject);
    }

    @Override
    public Schema schemaById(int id) {
        byIds.incrementAndGet();
        return delegate.schemaById(id);
    }
}
