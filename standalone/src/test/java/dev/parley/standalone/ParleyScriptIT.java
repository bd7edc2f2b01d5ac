package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command, exactly as a user runs it: {@code ./parley start}, Ctrl-C, and again. */
@DisplayName("./parley start serves a streaming chat, stops on Ctrl-C and keeps its data across a restart")
class ParleyScriptIT {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @Test
    @DisplayName("start, chat over HTTP and SSE, Ctrl-C, start again: the earlier turn is still readable")
    void startChatStopRestart(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of(
            "PARLEY_DATA_DIR", dataDir.toString(),
            "PARLEY_HTTP_PORT", String.valueOf(freePort()),
            "PARLEY_KAFKA_PORT", String.valueOf(freePort()),
            "PARLEY_REGISTRY_PORT", String.valueOf(freePort()),
            "PARLEY_SIMULATOR_PORT", String.valueOf(freePort()),
            "PARLEY_POSTPROCESS_PORT", String.valueOf(freePort()));
        ParleyHttp api = new ParleyHttp("http://localhost:" + env.get("PARLEY_HTTP_PORT"));
        String expected = "Hello from ./parley start ✓";
        String session;
        String turn;

        Process first = start(env, dataDir.resolve("first.log"));
        try {
            awaitReady(api, first, dataDir.resolve("first.log"));
            assertEquals(200, api.send("GET", "/", null).statusCode(), "the chat page");
            session = api.createSession();
            turn = api.postTurn(session, "hi\n#sim: reply=\"" + expected + "\"");
            try (SseClient sse = api.events(session, ParleyHttp.turnQuery(turn))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> ParleyHttp.terminal(sse.events(), turn) != null);
                assertEquals("done", ParleyHttp.terminal(sse.events(), turn).type());
                assertEquals(expected, ParleyHttp.streamedReply(sse.events(), turn));
            }
            interrupt(first);
            assertTrue(first.waitFor(60, TimeUnit.SECONDS), "Ctrl-C stops everything");
            assertTrue(first.descendants().findAny().isEmpty(), "nothing left running");
        } finally {
            first.destroyForcibly();
        }

        Process second = start(env, dataDir.resolve("second.log"));
        try {
            awaitReady(api, second, dataDir.resolve("second.log"));
            JsonNode status = api.turnStatus(session, turn, 30);
            assertEquals("completed", status.get("status").asText());
            assertEquals(expected, status.get("text").asText());
            interrupt(second);
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "Ctrl-C stops everything");
        } finally {
            second.destroyForcibly();
        }
    }

    private static Process start(Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("./parley", "start").directory(REPO.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static void awaitReady(ParleyHttp api, Process process, Path log) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("./parley start exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                return api.send("GET", "/health/ready", null).statusCode() == 200;
            } catch (IOException notYetListening) {
                return false;
            }
        });
    }

    /** What Ctrl-C sends. */
    private static void interrupt(Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start();
        assertEquals(0, kill.waitFor(), "kill -INT");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
