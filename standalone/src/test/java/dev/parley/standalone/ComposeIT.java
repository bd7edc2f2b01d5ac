package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.ingest.auth.KeysMain;
import dev.parley.schemas.topics.Topics;
import dev.parley.standalone.client.ParleyHttp;
import dev.parley.standalone.client.SseClient;
import dev.parley.standalone.client.TopicReader;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * docker-compose.yml end to end: Testcontainers brings the whole file up (three Kafka nodes, Confluent Schema
 * Registry, the topics job, the simulator, two workers, postprocess and two gateways, built from this tree) and one
 * turn goes through it: posted to one gateway, streamed from the other, recorded once in the ledger (read with
 * Parley's Avro serde against the Confluent registry), and summed up in postprocess' snapshot.
 *
 * <p>How to run, on a machine with a Docker engine and {@code docker compose} (v2):
 * <ol>
 *   <li>{@code ./mvnw -B verify -pl standalone -am -Dit.test=ComposeIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}</li>
 *   <li>The first run builds the images (a Maven build inside Docker) and pulls Kafka and the registry: minutes.</li>
 * </ol>
 * Without a Docker engine the test is skipped, saying why.
 */
@DisplayName("docker-compose.yml runs a turn end to end")
class ComposeIT {

    static final Duration STARTUP = Duration.ofMinutes(15);
    static final String REPLY = "Kafka keeps the order of records within one partition.";

    static ComposeContainer compose;
    static String host;
    static String kafkaHost;
    static Map<String, String> ports;

    static final String NO_DOCKER = "no Docker engine reachable (DOCKER_HOST, /var/run/docker.sock, "
        + "Testcontainers' configuration): ComposeIT needs one to bring up docker-compose.yml";

    @BeforeAll
    static void up() throws IOException {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return; // each test is skipped with NO_DOCKER (an assumption here would hide them from the report)
        }
        host = DockerClientFactory.instance().dockerHostIpAddress();
        boolean local = InetAddress.getByName(host).isLoopbackAddress();
        ports = freePorts("GATEWAY1_PORT", "GATEWAY2_PORT", "REGISTRY_PORT", "POSTPROCESS_PORT", "SIMULATOR_PORT",
            "KAFKA1_PORT", "KAFKA2_PORT", "KAFKA3_PORT", "OLLAMA_PORT");
        Map<String, String> env = new HashMap<>(ports);
        // Kafka's host listener must advertise the address this JVM reaches the Docker host by.
        kafkaHost = local ? "127.0.0.1" : host;
        env.put("KAFKA_EXTERNAL_HOST", kafkaHost);
        env.put("PUBLISH_ADDRESS", local ? "127.0.0.1" : "0.0.0.0");
        // The compose file's own defaults, not whatever this shell exports for a local run.
        env.put("PARLEY_BACKENDS_FILE", "/etc/parley/backends.yaml");
        File file = new File(ComposeSettingsTest.projectRoot().toFile(), "docker-compose.yml");
        compose = new ComposeContainer(file)
            .withEnv(env)
            .withBuild(true)
            .withPull(false)
            .withTailChildContainers(true)
            // ready only when the workers hold every ledger partition, and postprocess serves queries
            .waitingFor("gateway1", Wait.forHealthcheck().withStartupTimeout(STARTUP))
            .waitingFor("gateway2", Wait.forHealthcheck().withStartupTimeout(STARTUP))
            .waitingFor("postprocess", Wait.forHealthcheck().withStartupTimeout(STARTUP))
            .withStartupTimeout(STARTUP);
        compose.start();
    }

    @BeforeEach
    void needsDocker() {
        Assumptions.assumeTrue(compose != null, NO_DOCKER);
    }

    @AfterAll
    static void down() {
        if (compose != null) {
            compose.stop();
        }
    }

    @Test
    @DisplayName("a turn posted to one gateway streams from the other, ends once in the ledger and shows in the snapshot")
    void aTurnThroughTheCluster() throws Exception {
        String registryUrl = "http://" + host + ":" + ports.get("REGISTRY_PORT");
        String bootstrap = String.join(",", List.of("KAFKA1_PORT", "KAFKA2_PORT", "KAFKA3_PORT").stream()
            .map(port -> kafkaHost + ":" + ports.get(port)).toList());
        // the gateways run with PARLEY_AUTH=keys: a key, stored as ./parley keys create stores it
        String key = KeysMain.create(Map.of("bootstrap.servers", bootstrap, "schema.registry.url", registryUrl),
            "compose-it").key();
        ParleyHttp gateway1 = new ParleyHttp("http://" + host + ":" + ports.get("GATEWAY1_PORT"), key);
        ParleyHttp gateway2 = new ParleyHttp("http://" + host + ":" + ports.get("GATEWAY2_PORT"), key);
        for (ParleyHttp gateway : List.of(gateway1, gateway2)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.send("GET", "/v1/models", null)
                .statusCode() == 200);
        }
        String sessionId = gateway1.createSession();
        String turnId = gateway1.postTurn(sessionId, "How does Kafka keep order?\n#sim: reply=\"" + REPLY + "\"");

        List<SseClient.Event> events;
        try (SseClient stream = gateway2.events(sessionId, ParleyHttp.turnQuery(turnId))) {
            await().atMost(Duration.ofSeconds(60))
                .until(() -> ParleyHttp.terminal(stream.events(), turnId) != null || stream.ended());
            events = stream.events();
        }
        SseClient.Event end = ParleyHttp.terminal(events, turnId);
        assertNotNull(end, "no terminal event on the stream: " + events);
        assertEquals("done", end.type(), "the stream ended with " + end);
        assertEquals(REPLY, ParleyHttp.streamedReply(events, turnId));

        List<LedgerEvent> ends = TopicReader.readAll(bootstrap, registryUrl, Topics.LEDGER, "read_committed")
            .stream().map(TopicReader.Logged::value)
            .filter(e -> e.getTurnId().equals(turnId))
            .filter(e -> e.getPayload() instanceof AssistantReply || e.getPayload() instanceof ReplyFailed
                || e.getPayload() instanceof ReplyCancelled)
            .toList();
        assertEquals(1, ends.size(), "terminal ledger events of turn " + turnId + ": " + ends);
        AssistantReply reply = assertInstanceOf(AssistantReply.class, ends.get(0).getPayload());
        assertEquals(REPLY, reply.getText());
        assertEquals(sessionId, ends.get(0).getSessionId());

        HttpResponse<String> subjects = gateway1.http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/subjects"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(subjects.body().contains(Topics.LEDGER.name() + "-value"),
            "the Confluent registry's subjects: " + subjects.body());

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode snapshot = ParleyHttp.expect(200, gateway1.send("GET", "/v1/sessions/" + sessionId, null));
            assertEquals(1, snapshot.path("turnCount").asInt(), snapshot.toString());
            assertEquals(REPLY, snapshot.path("recentTurns").path(0).path("assistantText").asText(),
                snapshot.toString());
        });
    }

    /** A free port on this machine for each name (compose publishes the services there). */
    private static Map<String, String> freePorts(String... names) throws IOException {
        Map<String, String> ports = new HashMap<>();
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (String name : names) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                ports.put(name, String.valueOf(socket.getLocalPort()));
            }
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
        return ports;
    }
}
