package dev.parley.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionSnapshot;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Subjects follow TopicNameStrategy")
class SubjectNamingTest {

    private static final String SCOPE = "subject-naming";
    private static final Map<String, String> CONFIG = Map.of("schema.registry.url", "mock://" + SCOPE);

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistryClient.dropScope(SCOPE);
    }

    @Test
    @DisplayName("<topic>-value for values and <topic>-key for keys")
    void topicNameStrategy() {
        assertEquals("parley.ledger.v1-value", TopicNameStrategy.subject("parley.ledger.v1", false));
        assertEquals("parley.ledger.v1-key", TopicNameStrategy.subject("parley.ledger.v1", true));
        assertThrows(NullPointerException.class, () -> TopicNameStrategy.subject(null, false));
    }

    @Test
    @DisplayName("the serde registers values and keys under those subjects")
    void serdeUsesTheSubjects() {
        AvroSerde.forClass(LedgerEvent.class, CONFIG, false).serializer()
                .serialize("parley.ledger.v1", SampleRecords.ledgerEvents().get(0));
        AvroSerde.forClass(SessionSnapshot.class, CONFIG, true).serializer()
                .serialize("parley.sessions.v1", SampleRecords.sessionSnapshot());

        Set<String> subjects = InMemorySchemaRegistryClient.forScope(SCOPE).subjects().stream()
                .collect(Collectors.toSet());
        assertEquals(Set.of("parley.ledger.v1-value", "parley.sessions.v1-key"), subjects);
    }

    @Test
    @DisplayName("serdes configured with the same mock:// URL share one in-memory registry")
    void mockScopeIsShared() {
        byte[] bytes = AvroSerde.forClass(LedgerEvent.class, CONFIG, false).serializer()
                .serialize("ledger", SampleRecords.ledgerEvents().get(2));
        LedgerEvent read = AvroSerde.forClass(LedgerEvent.class, CONFIG, false).deserializer()
                .deserialize("ledger", bytes);
        assertEquals(SampleRecords.ledgerEvents().get(2), read);
        assertEquals(List.of("ledger-value"), InMemorySchemaRegistryClient.forScope(SCOPE).subjects());
    }
}
