package dev.parley.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.AssistantReply;
import dev.parley.schemas.config.Env;
import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.backend.HttpBackend;
import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.CatalogueLoader;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Fair queuing across principals against a real broker and a slow simulator behind a backend that runs one generation
 * at a time. The order is the order in which the backend's requests were opened (what its bulkhead granted), so the
 * test asserts an order, never a time.
 */
class FairQueuingIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int FLOOD = 6;

    private static WorkerKafka kafka;
    private static Vertx vertx;
    private static LlmSimulator slow;
    private static InferenceWorker worker;
    private static KafkaProbe probe;
    /** The user text of each request the backend received, in the order they were opened. */
    private static final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        kafka = WorkerKafka.start(2);
        Map<String, Object> clients = kafka.clients();
        vertx = Vertx.vertx();
        slow = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults().withTimeToFirstToken(Duration.ofMillis(150))
            .withInterTokenLatency(Duration.ofMillis(5)).withReplyTokens(8));
        Path file = Files.createTempFile("backends", ".yaml");
        Files.writeString(file, """
            backends:
              gpu: {kind: openai, url: %s, model: gpu-model, maxConcurrent: 1}
            routes:
              default: [gpu]
            router:
              default: default
            """.formatted(slow.baseUrl()));
        Catalogue catalogue = CatalogueLoader.load(new Env(Map.of("PARLEY_BACKENDS_FILE", file.toString())));
        WorkerConfig config = new WorkerConfig("it-" + UUID.randomUUID(), "workers-" + UUID.randomUUID(), clients,
            catalogue.backends().get("gpu"), 64, 2_000, Duration.ZERO, "").withCatalogue(catalogue);
        worker = InferenceWorker.start(vertx, config, backend -> {
            HttpBackend http = HttpBackend.create(vertx, backend);
            return (request, listener) -> {
                List<ChatMessage> messages = request.messages();
                requests.add(messages.get(messages.size() - 1).content());
                return http.stream(request, listener);
            };
        });
        probe = new KafkaProbe(clients);
    }

    @AfterAll
    static void stop() {
        probe.close();
        worker.close();
        slow.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        kafka.close();
    }

    @Test
    @DisplayName("alice floods a one-at-a-time backend, then bob posts one turn: bob's starts after at most one more of alice's")
    void floodThenSingleTurn() {
        requests.clear(); // the other test has had its reply: nothing is in flight
        List<String> aliceTurns = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) { // one session each: a session's own turns run one after another anyway
            aliceTurns.add(probe.turnBy("alice", KafkaProbe.newId(), "alice " + i, null));
        }
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
            .until(() -> worker.backends().get("gpu").waiting() == FLOOD - 1);
        int aliceStartedBefore = requests.size(); // one, running now
        String bobTurn = probe.turnBy("bob", KafkaProbe.newId(), "bob 0", null);

        for (String turn : aliceTurns) {
            reply(turn);
        }
        reply(bobTurn);
        assertEquals(FLOOD + 1, requests.size(), "one request per turn: " + requests);
        int bob = requests.indexOf("bob 0");
        int aliceInBetween = bob - aliceStartedBefore;
        assertTrue(aliceInBetween <= 1, "bob's turn waited for " + aliceInBetween + " of alice's: " + requests);
        assertTrue(bob < FLOOD, "bob's turn did not wait for the whole flood: " + requests);
        assertEquals("bob", reply(bobTurn).getPrincipal(), "the terminal event names who to bill");
        assertEquals("alice", reply(aliceTurns.get(0)).getPrincipal());
    }

    @Test
    @DisplayName("a turn without a principal is answered and its terminal event carries no principal")
    void anonymousTurn() {
        String turn = probe.turnBy(null, KafkaProbe.newId(), "nobody", null);
        assertEquals(null, reply(turn).getPrincipal());
    }

    private static AssistantReply reply(String turn) {
        await().atMost(WAIT).until(() -> !probe.terminals(turn).isEmpty());
        assertEquals(1, probe.terminals(turn).size(), "exactly one terminal event");
        return assertInstanceOf(AssistantReply.class, probe.terminals(turn).get(0).getPayload());
    }
}
