package dev.parley.postprocess.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.PrincipalSession;
import dev.parley.avro.PrincipalSessions;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.UserTurn;
import dev.parley.postprocess.extract.FirstLine;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import dev.parley.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The production snapshot topology in TopologyTestDriver: each principal's sessions, newest first. */
@DisplayName("The principal-sessions store lists each principal's sessions, newest first, by their first line")
class PrincipalSessionsTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private final String scope = "sessions-" + UUID.randomUUID();
    private final Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://" + scope);
    private TopologyTestDriver driver;
    private TestInputTopic<String, LedgerEvent> ledger;
    private TestInputTopic<String, byte[]> rawLedger;
    private int second;

    @BeforeEach
    void start() throws Exception {
        driver = SnapshotTestDrivers.start(serdeConfig, "sessions-test", T0);
        ledger = driver.createInputTopic(Topics.LEDGER.name(), Serdes.String().serializer(),
            Topics.LEDGER.valueSerde(serdeConfig).serializer());
        rawLedger = driver.createInputTopic(Topics.LEDGER.name(), Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    }

    @AfterEach
    void close() {
        driver.close();
        InMemorySchemaRegistryClient.dropScope(scope);
    }

    @Test
    @DisplayName("each principal sees only its own sessions, newest first, named by the first line of the first turn")
    void perPrincipalNewestFirst() {
        String first = session();
        String second = session();
        String other = session();
        pipe(first, "", new SessionCreated("ada", null));
        pipe(first, "t1", turn("  Plan a trip to Lisbon  \nin May", "ada"));
        pipe(other, "", new SessionCreated("grace", null));
        pipe(other, "t2", turn("Grace's question", "grace"));
        pipe(second, "", new SessionCreated("ada", null));
        pipe(first, "t3", turn("A later turn does not rename the session", "ada"));

        assertEquals(List.of(entry(second, 4, null), entry(first, 0, "Plan a trip to Lisbon")), sessions("ada"));
        assertEquals(List.of(entry(other, 2, "Grace's question")), sessions("grace"));

        pipe(second, "t4", turn("#sim: tokens=3\n\n  Second session  ", "ada"));

        assertEquals(List.of(entry(second, 4, "Second session"), entry(first, 0, "Plan a trip to Lisbon")),
            sessions("ada"));
    }

    @Test
    @DisplayName("without authentication the sessions are anonymous's; a redelivered event changes nothing")
    void anonymousAndRedelivered() {
        String id = session();
        LedgerEvent created = event(id, "", new SessionCreated(null, null));
        ledger.pipeInput(id, created, created.getTimestamp());
        LedgerEvent firstTurn = event(id, "t1", turn("Hello", null));
        ledger.pipeInput(id, firstTurn, firstTurn.getTimestamp());
        ledger.pipeInput(id, created, created.getTimestamp());
        ledger.pipeInput(id, firstTurn, firstTurn.getTimestamp());

        assertEquals(List.of(entry(id, 0, "Hello")), sessions(PrincipalUsages.ANONYMOUS));
    }

    @Test
    @DisplayName("a first turn of only #sim: directives gives no first line; a long one is cut at a word with …")
    void directivesAndLongLines() {
        String directives = session();
        String longOne = session();
        pipe(directives, "", new SessionCreated("ada", null));
        pipe(directives, "t1", turn("#sim: fail\n  #sim: tokens=2", "ada"));
        pipe(longOne, "", new SessionCreated("ada", null));
        pipe(longOne, "t2", turn("word ".repeat(60), "ada"));

        List<PrincipalSession> listed = sessions("ada");
        assertNull(listed.get(1).getFirstLine());
        String cut = listed.get(0).getFirstLine();
        assertTrue(cut.length() <= FirstLine.MAX_CHARS && cut.endsWith("word\u2026"), cut);
    }

    @Test
    @DisplayName("only the newest sessions are kept: the oldest drop off the list")
    void bounded() {
        String oldest = null;
        for (int i = 0; i < PrincipalSessionLists.MAX_SESSIONS + 5; i++) {
            String id = session();
            oldest = oldest == null ? id : oldest;
            pipe(id, "", new SessionCreated("ada", null));
        }

        List<PrincipalSession> listed = sessions("ada");
        assertEquals(PrincipalSessionLists.MAX_SESSIONS, listed.size());
        assertEquals(T0.plusSeconds(PrincipalSessionLists.MAX_SESSIONS + 4), listed.get(0).getCreatedAt());
        assertEquals(T0.plusSeconds(5), listed.get(listed.size() - 1).getCreatedAt());
    }

    @Test
    @DisplayName("an undecodable ledger record lists nothing, and the next session is listed")
    void badRecord() {
        String id = session();
        rawLedger.pipeInput(id, new byte[] {0, 0, 0, 0, 42, 1, 2, 3}, T0);
        pipe(id, "", new SessionCreated("ada", null));

        assertEquals(List.of(entry(id, 0, null)), sessions("ada"));
    }

    private List<PrincipalSession> sessions(String principal) {
        KeyValueStore<String, ValueAndTimestamp<PrincipalSessions>> store = driver.getTimestampedKeyValueStore(
            PostprocessTopology.PRINCIPAL_SESSIONS_STORE);
        ValueAndTimestamp<PrincipalSessions> found = store.get(principal);
        return found == null ? List.of() : found.value().getSessions();
    }

    private static PrincipalSession entry(String sessionId, int atSecond, String firstLine) {
        return new PrincipalSession(sessionId, T0.plusSeconds(atSecond), firstLine);
    }

    private static UserTurn turn(String text, String principal) {
        return UserTurn.newBuilder().setText(text).setPrincipal(principal).build();
    }

    private static String session() {
        return UUID.randomUUID().toString();
    }

    private void pipe(String sessionId, String turnId, Object payload) {
        LedgerEvent event = event(sessionId, turnId, payload);
        ledger.pipeInput(sessionId, event, event.getTimestamp());
    }

    private LedgerEvent event(String sessionId, String turnId, Object payload) {
        return LedgerEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setSessionId(sessionId)
            .setTurnId(turnId).setTimestamp(T0.plusSeconds(second++)).setProducer("test").setAttempt(0)
            .setPayload(payload).build();
    }
}
