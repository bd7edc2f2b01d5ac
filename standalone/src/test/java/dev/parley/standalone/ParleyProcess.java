package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.standalone.client.ParleyHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** {@code ./parley start} as a child process on free ports with its own data directory, as a user runs it. */
final class ParleyProcess {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    final Map<String, String> env;
    final ParleyHttp api;
    private Process process;
    private Path log;

    /** Free ports for every listener, data in {@code dataDir}, plus {@code extra} settings. */
    ParleyProcess(Path dataDir, Map<String, String> extra) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of(
            "PARLEY_GATEWAY_METRICS_PORT", String.valueOf(freePort()),
            "PARLEY_DATA_DIR", dataDir.toString(),
            "PARLEY_HTTP_PORT", String.valueOf(freePort()),
            "PARLEY_KAFKA_PORT", String.valueOf(freePort()),
            "PARLEY_REGISTRY_PORT", String.valueOf(freePort()),
            "PARLEY_SIMULATOR_PORT", String.valueOf(freePort()),
            "PARLEY_POSTPROCESS_PORT", String.valueOf(freePort()),
            "PARLEY_WORKER_METRICS_PORT", String.valueOf(freePort())));
        env.putAll(extra);
        this.env = Map.copyOf(env);
        this.api = new ParleyHttp("http://localhost:" + env.get("PARLEY_HTTP_PORT"));
    }

    String bootstrapServers() {
        return "localhost:" + env.get("PARLEY_KAFKA_PORT");
    }

    String registryUrl() {
        return "http://localhost:" + env.get("PARLEY_REGISTRY_PORT");
    }

    /** Runs {@code ./parley start}, its output going to {@code log}. */
    Process start(Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("./parley", "start").directory(REPO.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        this.log = log;
        this.process = builder.start();
        return process;
    }

    /** Waits until /health/ready answers 200; fails with the log when the process exits first or never gets ready. */
    void awaitReady(Duration atMost) {
        try {
            pollReady(atMost);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("./parley start was not ready within " + atMost + "; its log ends:\n"
                + tail(log, 60), e);
        }
    }

    /** The end of the current run's log, for a failure message. */
    String logTail() {
        return log == null ? "(not started)" : tail(log, 80);
    }

    private static String tail(Path log, int lines) {
        try {
            java.util.List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }

    private void pollReady(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("./parley start exited with " + process.exitValue() + ":\n"
                    + Files.readString(log));
            }
            try {
                return api.send("GET", "/health/ready", null).statusCode() == 200;
            } catch (IOException notYetListening) {
                return false;
            }
        });
    }

    /** What Ctrl-C sends. */
    void interrupt() throws Exception {
        Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start();
        assertEquals(0, kill.waitFor(), "kill -INT");
    }

    /** SIGKILL: the process dies at once, whatever it was doing; waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    Process process() {
        return process;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
