package dev.parley.ingest.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.support.FakeWorker;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.SharedKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Conformance judged by a client nobody at Parley wrote: the official Durable Streams client
 * {@code @durable-streams/client} (pinned by src/test/js/durable-streams/package-lock.json) reading Parley's turn
 * streams, driven step by step through {@code durable-streams-client.mjs}.
 */
@DisplayName("The official Durable Streams client reads Parley's turn streams")
@ExtendWith(SharedKafka.Extension.class)
class DurableStreamsClientIT {

    private static final Path SCRIPT_DIR = Path.of("src/test/js/durable-streams");

    private static Gateway gateway;
    private static FakeWorker worker;

    @BeforeAll
    static void start() {
        assertTrue(Files.exists(SCRIPT_DIR.resolve("node_modules/@durable-streams/client/package.json")),
                "the Durable Streams client is not installed: run `npm ci` in " + SCRIPT_DIR
                        + " (the build does it when missing)");
        SharedKafka kafka = SharedKafka.get();
        gateway = Gateway.start(kafka.ingestConfig(Map.of(IngestConfig.SSE_HEARTBEAT_MS, "200")));
        worker = new FakeWorker(kafka.clientConfig());
    }

    @AfterAll
    static void stop() {
        worker.close();
        gateway.close();
    }

    @Test
    @DisplayName("a read from -1 catches up, tails the turn live over SSE and ends when the stream closes")
    void tailsATurnUntilClosed() throws Exception {
        String sessionId = gateway.api().createSession();
        String turnId = gateway.api().submitTurn(sessionId, "hi");
        worker.chunk(sessionId, turnId, 1, 0, "Hel");

        try (Node node = Node.run("tail", url(sessionId, turnId))) {
            assertEquals("caughtUp", node.next().getString("step"));
            worker.chunk(sessionId, turnId, 1, 1, "lo");
            worker.done(sessionId, turnId, 1, 2, null);

            JsonObject closed = node.next();
            assertEquals("closed", closed.getString("step"), closed.encode());
            List<JsonObject> events = events(closed.getJsonArray("batches"));
            assertEquals(List.of("token", "token", "done"), types(events));
            assertEquals("Hello", text(events));
            JsonObject last = lastBatch(closed.getJsonArray("batches"));
            assertTrue(last.getBoolean("streamClosed"));
            assertEquals(gateway.api().get("/v1/sessions/" + sessionId + "/turns/" + turnId + "/stream?offset=now")
                    .header("Stream-Next-Offset"), last.getString("offset"));
        }
    }

    @Test
    @DisplayName("a reader that disconnects resumes from its saved offset with no gap and no duplicate")
    void resumesAfterDisconnect() throws Exception {
        String sessionId = gateway.api().createSession();
        String turnId = gateway.api().submitTurn(sessionId, "hi");
        worker.chunk(sessionId, turnId, 1, 0, "a");
        worker.chunk(sessionId, turnId, 1, 1, "b");

        try (Node node = Node.run("resume", url(sessionId, turnId))) {
            JsonObject saved = node.next();
            assertEquals("saved", saved.getString("step"), saved.encode());
            worker.chunk(sessionId, turnId, 1, 2, "c");
            node.proceed();
            JsonObject disconnected = node.next();
            assertEquals("disconnected", disconnected.getString("step"), disconnected.encode());
            worker.chunk(sessionId, turnId, 1, 3, "d");
            worker.done(sessionId, turnId, 1, 4, null);
            node.proceed();
            JsonObject closed = node.next();
            assertEquals("closed", closed.getString("step"), closed.encode());

            List<JsonObject> events = new ArrayList<>();
            saved.getJsonArray("items").forEach(item -> events.add((JsonObject) item));
            events.addAll(events(disconnected.getJsonArray("batches")));
            events.addAll(events(closed.getJsonArray("batches")));
            assertEquals("abcd", text(events), "every token once, in order");
            assertEquals(List.of("token", "token", "token", "token", "done"), types(events));
            assertEquals(events.stream().map(event -> event.getString("cursor")).distinct().count(), events.size());
            assertTrue(lastBatch(closed.getJsonArray("batches")).getBoolean("streamClosed"));
        }
    }

    private static String url(String sessionId, String turnId) {
        return gateway.api().uri("/v1/sessions/" + sessionId + "/turns/" + turnId + "/stream").toString();
    }

    private static List<JsonObject> events(JsonArray batches) {
        List<JsonObject> events = new ArrayList<>();
        batches.forEach(batch -> ((JsonObject) batch).getJsonArray("items").forEach(item -> events.add((JsonObject) item)));
        return events;
    }

    private static JsonObject lastBatch(JsonArray batches) {
        return batches.getJsonObject(batches.size() - 1);
    }

    private static List<String> types(List<JsonObject> events) {
        return events.stream().map(event -> event.getString("type")).toList();
    }

    private static String text(List<JsonObject> events) {
        StringBuilder text = new StringBuilder();
        events.stream().filter(event -> event.getString("type").equals("token"))
                .forEach(event -> text.append(event.getString("text")));
        return text.toString();
    }

    /** One run of the script: reads its JSON lines, tells it to go on, and is killed if a test ends early. */
    private static final class Node implements AutoCloseable {

        private final Process process;
        private final BufferedReader out;
        private final Writer in;

        private Node(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        static Node run(String command, String url) throws IOException {
            return new Node(new ProcessBuilder(List.of("node", "durable-streams-client.mjs", command,
                    new JsonObject().put("url", url).encode()))
                    .directory(SCRIPT_DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }

        /** The script's next line; a failure when it exits without one (its error line says why). */
        JsonObject next() throws IOException {
            String line = out.readLine();
            assertTrue(line != null, "node exited without a result");
            return new JsonObject(line);
        }

        void proceed() throws IOException {
            in.write("go\n");
            in.flush();
        }

        @Override
        public void close() throws InterruptedException {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
