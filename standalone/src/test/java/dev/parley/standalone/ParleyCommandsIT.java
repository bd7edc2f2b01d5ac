package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.kafka.EmbeddedKafka;
import dev.parley.schemas.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-process-per-service commands, run as a user runs them: {@code ./parley topics|gateway|kafka}. */
@DisplayName("./parley topics, gateway and kafka as processes of their own")
class ParleyCommandsIT {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Duration EXIT = Duration.ofSeconds(120);

    @Test
    @DisplayName("topics creates every topic; a gateway with one missing exits 1 naming it, in one line, as does a taken port")
    void topicsThenGatewayWithAMissingTopic(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral()) {
            Map<String, String> env = Map.of("PARLEY_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "PARLEY_HTTP_PORT", String.valueOf(ParleyProcess.freePort()),
                "PARLEY_GATEWAY_METRICS_PORT", String.valueOf(ParleyProcess.freePort()));

            Result topics = run(dir.resolve("topics.log"), env, "topics");
            assertEquals(0, topics.exit(), topics.output());
            int count = Topics.all().size();
            assertTrue(topics.output().contains("All " + count + " topics ready, " + count + " created"),
                topics.output());
            assertEquals(0, run(dir.resolve("check.log"), env, "topics", "--check").exit());

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.deleteTopics(List.of(Topics.TOKENS.name())).all().get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(30))
                    .until(() -> !admin.listTopics().names().get().contains(Topics.TOKENS.name()));
            }
            Result check = run(dir.resolve("check-missing.log"), env, "topics", "--check");
            assertEquals(1, check.exit(), check.output());
            assertTrue(check.output().contains("missing: parley.tokens.v1"), check.output());

            Result gateway = run(dir.resolve("gateway.log"), env, "gateway");
            assertNotEquals(0, gateway.exit(), gateway.output());
            assertOneLineFailure(gateway, "The gateway did not start: missing topics parley.tokens.v1 "
                + "(run ./parley topics to create them)");

            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Map<String, String> busy = new HashMap<>(env);
                busy.put("PARLEY_HTTP_PORT", String.valueOf(taken.getLocalPort()));
                Result second = run(dir.resolve("gateway-port.log"), busy, "gateway");
                assertNotEquals(0, second.exit(), second.output());
                assertOneLineFailure(second, "The gateway did not start: port " + taken.getLocalPort()
                    + " (PARLEY_HTTP_PORT) is already in use");
            }
        }
    }

    @Test
    @DisplayName("a second ./parley kafka on the same data directory, or on the same ports, exits 1 naming the conflict")
    void secondKafkaConflicts(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("PARLEY_DATA_DIR", dir.resolve("data").toString(),
            "PARLEY_KAFKA_PORT", String.valueOf(ParleyProcess.freePort()),
            "PARLEY_REGISTRY_PORT", String.valueOf(ParleyProcess.freePort()));
        Path firstLog = dir.resolve("kafka.log");
        Process first = start(firstLog, env, "kafka");
        try {
            await().atMost(EXIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertTrue(first.isAlive(), () -> "the first ./parley kafka exited:\n" + read(firstLog));
                return read(firstLog).contains("Kafka is running");
            });

            Map<String, String> sameDir = new HashMap<>(env);
            sameDir.put("PARLEY_KAFKA_PORT", String.valueOf(ParleyProcess.freePort()));
            sameDir.put("PARLEY_REGISTRY_PORT", String.valueOf(ParleyProcess.freePort()));
            Result second = run(dir.resolve("second.log"), sameDir, "kafka");
            assertNotEquals(0, second.exit(), second.output());
            assertOneLineFailure(second, "Kafka did not start: another Parley is using the data directory "
                + dir.resolve("data").resolve("kafka").toAbsolutePath());

            Map<String, String> samePorts = new HashMap<>(env);
            samePorts.put("PARLEY_DATA_DIR", dir.resolve("other").toString());
            Result third = run(dir.resolve("third.log"), samePorts, "kafka");
            assertNotEquals(0, third.exit(), third.output());
            assertOneLineFailure(third, "Kafka did not start: port " + env.get("PARLEY_KAFKA_PORT")
                + " (PARLEY_KAFKA_PORT) is already in use");

            assertTrue(first.isAlive(), "the first broker is unharmed");
            new ProcessBuilder("kill", "-INT", String.valueOf(first.pid())).start().waitFor();
            assertTrue(first.waitFor(60, TimeUnit.SECONDS), "Ctrl-C stops it");
        } finally {
            first.destroyForcibly();
        }
    }

    /** Exactly one ERROR line, starting with {@code expected}, and no stack trace. */
    private static void assertOneLineFailure(Result result, String expected) {
        List<String> errors = result.output().lines().filter(line -> line.contains(" ERROR ")).toList();
        assertEquals(1, errors.size(), result.output());
        assertTrue(errors.get(0).contains(expected), "expected «" + expected + "» in: " + errors.get(0));
        assertFalse(result.output().contains("\tat "), "no stack trace:\n" + result.output());
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path log, Map<String, String> env, String... command) throws Exception {
        Process process = start(log, env, command);
        if (!process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("./parley " + String.join(" ", command) + " did not exit within " + EXIT
                + ":\n" + read(log));
        }
        return new Result(process.exitValue(), read(log));
    }

    private static Process start(Path log, Map<String, String> env, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("./parley"));
        args.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(args).directory(REPO.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
