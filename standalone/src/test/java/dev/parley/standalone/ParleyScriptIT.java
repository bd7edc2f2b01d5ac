package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.standalone.client.ParleyHttp;
import dev.parley.standalone.client.SseClient;
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

    private static final Duration START = Duration.ofSeconds(180);

    @Test
    @DisplayName("start, chat over HTTP and SSE, Ctrl-C, start again: the earlier turn is still readable")
    void startChatStopRestart(@TempDir Path dataDir) throws Exception {
        ParleyProcess parley = new ParleyProcess(dataDir, Map.of());
        ParleyHttp api = parley.api;
        String expected = "Hello from ./parley start ✓";
        String session;
        String turn;

        Process first = parley.start(dataDir.resolve("first.log"));
        try {
            parley.awaitReady(START);
            assertEquals(200, api.send("GET", "/", null).statusCode(), "the chat page");
            session = api.createSession();
            turn = api.postTurn(session, "hi\n#sim: reply=\"" + expected + "\"");
            try (SseClient sse = api.events(session, ParleyHttp.turnQuery(turn))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> ParleyHttp.terminal(sse.events(), turn) != null);
                assertEquals("done", ParleyHttp.terminal(sse.events(), turn).type());
                assertEquals(expected, ParleyHttp.streamedReply(sse.events(), turn));
            }
            parley.interrupt();
            assertTrue(first.waitFor(60, TimeUnit.SECONDS), "Ctrl-C stops everything");
            assertTrue(first.descendants().findAny().isEmpty(), "nothing left running");
        } finally {
            first.destroyForcibly();
        }

        Process second = parley.start(dataDir.resolve("second.log"));
        try {
            parley.awaitReady(START);
            JsonNode status = api.turnStatus(session, turn, 30);
            assertEquals("completed", status.get("status").asText());
            assertEquals(expected, status.get("text").asText());
            parley.interrupt();
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "Ctrl-C stops everything");
        } finally {
            second.destroyForcibly();
        }
    }
}
