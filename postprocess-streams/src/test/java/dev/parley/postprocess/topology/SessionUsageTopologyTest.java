package dev.parley.postprocess.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.PrincipalUsage;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.Usage;
import dev.parley.avro.UsageTotals;
import dev.parley.avro.UserTurn;
import dev.parley.postprocess.extract.ExtractiveSummarizer;
import dev.parley.postprocess.extract.RuleBasedCommitmentExtractor;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import dev.parley.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The production snapshot topology in TopologyTestDriver: a session's token and cost totals. */
@DisplayName("The session snapshot sums the usage and cost of every ended turn")
class SessionUsageTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String SESSION = "0193f2a0-0000-7000-8000-000000000002";

    private final String scope = "usage-" + UUID.randomUUID();
    private final Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://" + scope);
    private TopologyTestDriver driver;
    private TestInputTopic<String, LedgerEvent> ledger;
    private TestOutputTopic<String, SessionSnapshot> snapshots;
    private int second;

    @BeforeEach
    void start() throws Exception {
        driver = SnapshotTestDrivers.start(serdeConfig, "usage-test", T0);
        ledger = driver.createInputTopic(Topics.LEDGER.name(), Serdes.String().serializer(),
            Topics.LEDGER.valueSerde(serdeConfig).serializer());
        snapshots = driver.createOutputTopic(Topics.SESSIONS.name(), Serdes.String().deserializer(),
            Topics.SESSIONS.valueSerde(serdeConfig).deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
        InMemorySchemaRegistryClient.dropScope(scope);
    }

    @Test
    @DisplayName("completed, failed and cancelled turns are summed; estimated once any count was; costs add up")
    void completedFailedAndCancelledSummed() {
        pipe("t1", UserTurn.newBuilder().setText("one").build());
        assertNull(latest().getUsage(), "no turn has ended yet");
        pipe("t1", AssistantReply.newBuilder().setText("Reply").setUsage(usage(10, 5, false)).setCostUsd(0.01)
            .build());
        pipe("t2", UserTurn.newBuilder().setText("two").build());
        pipe("t2", ReplyFailed.newBuilder().setPartialText("Par").setReason("down").setUsage(usage(20, 3, true))
            .setCostUsd(0.002).build());
        pipe("t3", UserTurn.newBuilder().setText("three").build());
        pipe("t3", ReplyCancelled.newBuilder().setPartialText("Ha").setUsage(usage(7, 1, false)).build());

        UsageTotals totals = latest().getUsage();
        assertEquals(37, totals.getPromptTokens());
        assertEquals(9, totals.getCompletionTokens());
        assertEquals(0.012, totals.getCostUsd(), 1e-12);
        assertTrue(totals.getEstimated());
    }

    @Test
    @DisplayName("a turn without recorded usage or prices counts as zero and is not marked estimated")
    void nothingRecorded() {
        pipe("t1", UserTurn.newBuilder().setText("one").build());
        pipe("t1", AssistantReply.newBuilder().setText("Reply").build());

        assertEquals(new UsageTotals(0L, 0L, 0.0, false), latest().getUsage());
    }

    @Test
    @DisplayName("a second terminal event for a turn adds nothing, nor one for a turn the session never had")
    void repeatedTerminalEventCountsOnce() {
        pipe("t1", UserTurn.newBuilder().setText("one").build());
        AssistantReply reply = AssistantReply.newBuilder().setText("Reply").setUsage(usage(10, 5, false))
            .setCostUsd(0.01).build();
        pipe("t1", reply);
        pipe("t1", reply);
        pipe("t1", ReplyFailed.newBuilder().setPartialText("").setReason("late").setUsage(usage(99, 99, true))
            .setCostUsd(9.0).build());
        pipe("ghost", ReplyCancelled.newBuilder().setPartialText("").setUsage(usage(50, 50, true)).build());

        UsageTotals totals = latest().getUsage();
        assertEquals(new UsageTotals(10L, 5L, 0.01, false), totals);
        assertFalse(totals.getEstimated());
    }

    @Test
    @DisplayName("the same record applied again (a redelivery after a crash) adds nothing")
    void redeliveredRecordAddsNothing() {
        SnapshotUpdater updater = new SnapshotUpdater(8_000, 2_000, new ExtractiveSummarizer(),
            new RuleBasedCommitmentExtractor());
        SessionSnapshot afterTurn = updater.apply(null, event("t1", UserTurn.newBuilder().setText("one").build()),
            0, 0).snapshot();
        LedgerEvent reply = event("t1", AssistantReply.newBuilder().setText("Reply").setUsage(usage(10, 5, false))
            .setCostUsd(0.01).build());
        SessionSnapshot afterReply = updater.apply(afterTurn, reply, 0, 1).snapshot();

        assertNull(updater.apply(afterReply, reply, 0, 1).snapshot(), "already applied: no new snapshot");
        assertEquals(new UsageTotals(10L, 5L, 0.01, false), afterReply.getUsage());
    }

    @Test
    @DisplayName("usage adds up per principal once per turn, a null principal as anonymous, by outcome")
    void usagePerPrincipal() {
        pipe("t1", UserTurn.newBuilder().setText("one").setPrincipal("ada").build());
        AssistantReply reply = AssistantReply.newBuilder().setText("Reply").setUsage(usage(10, 5, false))
            .setCostUsd(0.01).setPrincipal("ada").build();
        pipe("t1", reply);
        pipe("t1", AssistantReply.newBuilder(reply).setText("Regenerated").build()); // a second attempt: counted once
        pipe("t2", UserTurn.newBuilder().setText("two").setPrincipal("ada").build());
        pipe("t2", ReplyFailed.newBuilder().setPartialText("").setReason("down").setUsage(usage(3, 0, true))
            .setPrincipal("ada").build());
        pipe("t3", UserTurn.newBuilder().setText("three").build());
        pipe("t3", ReplyCancelled.newBuilder().setPartialText("Ha").setUsage(usage(7, 1, false)).setCostUsd(0.5)
            .build());

        KeyValueStore<String, PrincipalUsage> store = driver.getKeyValueStore(PostprocessTopology.PRINCIPAL_USAGE_STORE);
        assertEquals(new PrincipalUsage("ada", 2L, 1L, 1L, 0L, 13L, 5L, 0.01, true), store.get("ada"));
        assertEquals(new PrincipalUsage(PrincipalUsages.ANONYMOUS, 1L, 0L, 0L, 1L, 7L, 1L, 0.5, false),
            store.get(PrincipalUsages.ANONYMOUS));
    }

    private void pipe(String turnId, Object payload) {
        LedgerEvent event = event(turnId, payload);
        ledger.pipeInput(SESSION, event, event.getTimestamp());
    }

    private LedgerEvent event(String turnId, Object payload) {
        return LedgerEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setSessionId(SESSION)
            .setTurnId(turnId).setTimestamp(T0.plusSeconds(second++)).setProducer("test").setAttempt(1)
            .setPayload(payload).build();
    }

    private SessionSnapshot latest() {
        List<SessionSnapshot> all = snapshots.readValuesToList();
        return all.get(all.size() - 1);
    }

    private static Usage usage(int prompt, int completion, boolean estimated) {
        return Usage.newBuilder().setPromptTokens(prompt).setCompletionTokens(completion).setEstimated(estimated)
            .build();
    }
}
