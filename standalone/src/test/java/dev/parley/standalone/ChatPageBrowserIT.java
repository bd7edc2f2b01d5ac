package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.standalone.client.ParleyHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat page in a real browser: headless Chromium (Debian's {@code /usr/bin/chromium}) driven by
 * {@code playwright-core}, pinned by src/test/js/chat-page/package-lock.json, against the all-in-one Parley (real
 * broker, worker, simulator and postprocess-streams). The simulator's {@code #sim:} directives make replies slow,
 * markdown or hostile. The markdown test writes the README's screenshot, docs/screenshots/chat.png.
 */
@DisplayName("the chat page in headless Chromium against the all-in-one Parley")
class ChatPageBrowserIT {

    private static final NodeScript BROWSER = new NodeScript(Path.of("src/test/js/chat-page"), "chat-page.mjs");
    private static final Path SCREENSHOTS = Path.of("..", "docs", "screenshots").toAbsolutePath().normalize();

    @TempDir
    static Path dataDir;
    private static Standalone parley;

    @BeforeAll
    static void start() throws IOException {
        BROWSER.requireInstalled("playwright-core");
        Map<String, String> env = StandaloneConfig.onFreePorts(dataDir);
        env.put("PARLEY_EMBEDDINGS", "none");
        parley = Standalone.start(StandaloneConfig.fromEnvironment(env));
        // the page opens a session by reading its view (and lists sessions) from postprocess: wait until it answers
        // rather than race its first rebalance (the page stops at a 503 there)
        ParleyHttp postprocess = new ParleyHttp(parley.postprocessUrl());
        await().atMost(Duration.ofSeconds(60))
            .until(() -> postprocess.send("GET", "/health", null).statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (parley != null) {
            parley.close();
        }
    }

    @Test
    @DisplayName("send and stream: Shift+Enter breaks the line, Enter sends; Send is disabled and Stop enabled while "
        + "the reply streams; the URL names the session")
    void sendAndStream() throws Exception {
        JsonNode seen = browser("stream");
        assertTrue(seen.get("url").asText().contains("?session="), seen.toString());
        assertTrue(seen.get("typed").asText().startsWith("Tell me about Kafka\n#sim:"), "Shift+Enter: a new line");
        assertEquals(seen.get("typed").asText(), seen.get("user").asText(), "the message as sent, both lines");
        assertTrue(seen.get("whileStreaming").get("send").asBoolean(), "Send disabled while streaming");
        assertTrue(seen.get("whileStreaming").get("stop").asBoolean(), "Stop enabled while streaming");
        assertEquals(words(40), seen.get("reply").asText());
        assertEquals("", seen.get("inputAfter").asText());
        assertTrue(seen.get("stopAfter").asBoolean(), "Stop disabled once the reply is done");
        assertNoPageErrors(seen);
    }

    @Test
    @DisplayName("Stop cancels the streaming reply: it is marked cancelled and keeps its partial text")
    void stopCancels() throws Exception {
        JsonNode seen = browser("stop");
        assertEquals("cancelled", seen.get("badge").asText());
        int partial = seen.get("partialWords").asInt();
        assertTrue(partial >= 5 && partial < 2000, "the partial text: " + partial + " words");
        assertNoPageErrors(seen);
    }

    @Test
    @DisplayName("a reload in the middle of a reply returns to the same session and shows the whole reply once")
    void reloadResumes() throws Exception {
        JsonNode seen = browser("reload");
        assertEquals(seen.get("before").asText(), seen.get("after").asText(), "the same session");
        assertTrue(seen.get("seenBefore").asText().contains("w5"), seen.toString());
        assertFalse(seen.get("seenBefore").asText().endsWith("w60"), "reloaded mid-reply: " + seen);
        assertEquals(words(60), seen.get("reply").asText(), "no word lost, none repeated");
        assertEquals(1, seen.get("users").size(), seen.toString());
        assertTrue(seen.get("users").get(0).asText().startsWith("Count for me"));
        assertEquals(1, seen.get("replies").asInt());
        assertNoPageErrors(seen);
    }

    @Test
    @DisplayName("a staged route named in the route field shows quick, deep and synthesis in order, each with its "
        + "backend and confidence")
    void stagedRoute() throws Exception {
        JsonNode seen = browser("stages");
        List<String> stages = new ArrayList<>();
        seen.get("stages").forEach(stage -> stages.add(stage.get("label").asText() + " / "
            + stage.get("confidence").asText() + " / " + stage.get("words").asInt()));
        assertEquals(List.of("quick · local / confidence 50% / 6", "deep · cloud / confidence 80% / 6",
            "synthesis · cloud / confidence 95% / 6"), stages, "the demo catalogue's staged route");
        assertNoPageErrors(seen);
    }

    @Test
    @DisplayName("a primary failing mid-stream: the page says it fell back and shows the fallback's whole reply once")
    void midStreamFallback() throws Exception {
        JsonNode seen = browser("fallback");
        assertEquals("fell back: restarted on another backend", seen.get("note").asText());
        assertEquals(words(12), seen.get("reply").asText(), "the abandoned attempt's words are gone, none repeated");
        assertEquals(0, seen.get("badges").asInt(), "completed, neither failed nor cancelled");
        assertNoPageErrors(seen);
    }

    @Test
    @DisplayName("switching sessions: the list names each by its first line, newest first; a click shows that "
        + "session's turns under its own URL; the list comes from the gateway, so a reload without storage keeps it")
    void switchingSessions() throws Exception {
        JsonNode seen = browser("switching");
        assertNotEquals(seen.get("first").asText(), seen.get("second").asText());
        List<String> titles = new ArrayList<>();
        seen.get("titles").forEach(t -> titles.add(t.asText()));
        assertEquals(List.of("Beta question", "Alpha question"), titles.subList(0, 2), titles.toString());
        List<String> reloaded = new ArrayList<>();
        seen.get("titlesAfterReload").forEach(t -> reloaded.add(t.asText()));
        assertEquals(List.of("Beta question", "Alpha question"), reloaded.subList(0, 2), reloaded.toString());
        assertEquals(seen.get("first").asText(), seen.get("afterSwitch").asText());
        assertEquals("Alpha question", seen.get("current").asText());
        String log = seen.get("log").asText();
        assertTrue(log.contains("alpha answer") && !log.contains("beta answer"), log);
        assertNoPageErrors(seen);
    }

    @Test
    @DisplayName("markdown is rendered with highlighted code; a <script> and an onerror handler in a reply never run")
    void markdownSafely() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        JsonNode seen = browser("markdown");
        assertEquals("Reading a topic", seen.get("heading").asText());
        assertEquals("consumer", seen.get("bold").asText());
        assertEquals("auto.offset.reset", seen.get("inlineCode").asText());
        assertTrue(seen.get("highlighted").asInt() > 3, "highlight.js marked up the code: " + seen);
        assertEquals(2, seen.get("listItems").asInt());
        assertEquals(0, seen.get("scripts").asInt(), "no script element reached the page");
        assertEquals(0, seen.get("handlers").asInt(), "no event handler attribute reached the page");
        assertEquals(0, seen.get("javascriptLinks").asInt(), "no javascript: link reached the page");
        assertTrue(seen.get("pwned").isNull(), "nothing from the reply ran: " + seen);
        assertTrue(Files.size(SCREENSHOTS.resolve("chat.png")) > 10_000);
        assertNoPageErrors(seen);
    }

    @Test
    @DisplayName("errors: a message over the size limit and one sent while offline are explained, kept in the input "
        + "and not shown as sent; back online it goes through")
    void errorsShown() throws Exception {
        JsonNode seen = browser("errors");
        JsonNode tooLarge = seen.get("tooLarge");
        assertTrue(tooLarge.get("error").asText().startsWith("That message is too long"), tooLarge.toString());
        assertEquals(0, tooLarge.get("users").asInt(), "not echoed");
        assertEquals(70_000, tooLarge.get("kept").asInt(), "kept in the input");
        JsonNode offline = seen.get("offline");
        assertTrue(offline.get("error").asText().startsWith("Cannot reach Parley"), offline.toString());
        assertEquals(0, offline.get("users").asInt(), "not echoed");
        assertEquals("Are you there?", offline.get("kept").asText());
        assertEquals("[\"Are you there?\"]", seen.get("afterwards").get("users").toString());
        assertTrue(seen.get("afterwards").get("error").asBoolean(), "the error is gone once a message is accepted");
        assertNoPageErrors(seen);
    }

    private static String words(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    private static void assertNoPageErrors(JsonNode seen) {
        assertEquals(0, seen.get("pageErrors").size(), "uncaught errors in the page: " + seen.get("pageErrors"));
    }

    /** Runs one scenario of chat-page.mjs in a fresh browser and returns the JSON line it printed. */
    private static JsonNode browser(String scenario) throws IOException, InterruptedException {
        ObjectNode args = ParleyHttp.JSON.createObjectNode();
        args.put("baseUrl", parley.url());
        args.put("screenshots", SCREENSHOTS.toString());
        return BROWSER.run(scenario, args);
    }
}
