package dev.parley.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.TokenChunk;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The in-memory registry answers like Confluent's")
class InMemorySchemaRegistryClientTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    @DisplayName("ids are global and registering again is idempotent; versions count per subject")
    void idsAndVersions() {
        int ledger = registry.register("a-value", LedgerEvent.getClassSchema());
        int tokens = registry.register("a-value", TokenChunk.getClassSchema());
        assertEquals(ledger, registry.register("a-value", LedgerEvent.getClassSchema()));
        assertEquals(ledger, registry.register("b-value", LedgerEvent.getClassSchema()));
        assertEquals(new RegisteredSchema("a-value", tokens, 2, TokenChunk.getClassSchema()), registry.latest("a-value"));
        assertEquals(new RegisteredSchema("a-value", ledger, 1, LedgerEvent.getClassSchema()),
                registry.lookup("a-value", LedgerEvent.getClassSchema()));
        assertEquals(TokenChunk.getClassSchema(), registry.schemaById(tokens));
    }

    @Test
    @DisplayName("40401 for an unknown subject, 40403 for an unknown schema or id")
    void errorCodes() {
        registry.register("a-value", LedgerEvent.getClassSchema());
        assertEquals(40401, assertThrows(SchemaRegistryException.class, () -> registry.latest("nope")).errorCode());
        assertEquals(40401, assertThrows(SchemaRegistryException.class,
                () -> registry.lookup("nope", LedgerEvent.getClassSchema())).errorCode());
        assertEquals(40403, assertThrows(SchemaRegistryException.class,
                () -> registry.lookup("a-value", TokenChunk.getClassSchema())).errorCode());
        assertEquals(40403, assertThrows(SchemaRegistryException.class, () -> registry.schemaById(99)).errorCode());
    }

    @Test
    @DisplayName("mock scopes are shared by name until dropped")
    void scopes() {
        InMemorySchemaRegistryClient first = InMemorySchemaRegistryClient.forScope("scopes-test");
        assertSame(first, InMemorySchemaRegistryClient.forScope("scopes-test"));
        InMemorySchemaRegistryClient.dropScope("scopes-test");
        assertNotSame(first, InMemorySchemaRegistryClient.forScope("scopes-test"));
        InMemorySchemaRegistryClient.dropScope("scopes-test");
    }
}
