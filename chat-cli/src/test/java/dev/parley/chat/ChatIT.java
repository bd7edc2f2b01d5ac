package dev.parley.chat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.ingest.auth.AuthConfig;
import dev.parley.schemas.config.Env;
import dev.parley.standalone.Standalone;
import dev.parley.standalone.StandaloneConfig;
import dev.parley.standalone.client.ParleyHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./parley chat} as a user runs it, in a real pseudo-terminal (or a real pipe), against a real Parley with API
 * keys: the gateway, worker and postprocess-streams on an embedded broker with the LLM simulator, in this JVM.
 */
@DisplayName("./parley chat, in a terminal and in a pipe, against a running Parley")
class ChatIT {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final java.util.Set<String> ENDED = java.util.Set.of("completed", "failed", "cancelled");
    private static final Pattern SESSION = Pattern.compile("session ([0-9a-f-]{36})");

    @TempDir
    static Path dataDir;
    private static Standalone parley;
    private static ParleyHttp api;
    /** An API key of the principal every test chats as (PARLEY_AUTH=keys), made by {@code ./parley keys create}. */
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = StandaloneConfig.onFreePorts(dataDir);
        env.put(AuthConfig.MODE, "keys");
        parley = Standalone.start(StandaloneConfig.fromEnvironment(env));
        key = createKey(parley);
        api = new ParleyHttp(parley.url(), key);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.send("GET", "/v1/models", null).statusCode() == 200);
    }

    /** {@code ./parley keys create --principal chat-it}, as the README says, against this run's broker. */
    private static String createKey(Standalone parley) throws Exception {
        ProcessBuilder keys = new ProcessBuilder("./parley", "keys", "create", "--principal", "chat-it")
            .directory(REPO.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        keys.environment().putAll(Map.of(Env.KAFKA_BOOTSTRAP, parley.bootstrapServers(),
            Env.REGISTRY_URL, parley.registryUrl()));
        Process created = keys.start();
        String key = new String(created.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(created.waitFor(60, TimeUnit.SECONDS), "./parley keys create did not exit");
        assertEquals(0, created.exitValue(), "./parley keys create failed");
        return key;
    }

    @AfterAll
    static void stop() {
        if (parley != null) {
            parley.close();
        }
    }

    @Test
    @DisplayName("a reply streams token by token, exactly the recorded one; /session, /search and /new answer; Ctrl-D leaves")
    void streamsAndAnswersCommands() throws Exception {
        String message = "Tell me how Kafka keeps order in a partition\n#sim: tokens=60 itl_ms=30";
        String expected = replyTo(message);
        try (Pty chat = Pty.run(REPO, chatEnvironment(parley.url(), key), "./parley chat")) {
            int banner = chat.awaitText("(/help for commands)", 0);
            String sessionId = sessionIn(chat.screen());
            chat.awaitText("> ", banner);

            chat.type(message.replace("\n", "\\\r") + "\r");
            int replyStart = chat.awaitText("itl_ms=30\n", banner);
            int replyEnd = chat.awaitText("\n> ", replyStart);
            assertEquals(expected, chat.screen().substring(replyStart, replyEnd - "\n> ".length()),
                "the terminal shows exactly the reply the ledger recorded");
            int rawStart = chat.rawIndexOf(expected.substring(0, 10));
            assertTrue(chat.readsBetween(rawStart, rawStart + expected.length()) >= 10,
                "the reply arrived in many pieces, as it streamed");

            await().atMost(Duration.ofSeconds(60)).until(() -> view(sessionId).path("turnCount").asInt() == 1);
            chat.type("/session\r");
            int shown = chat.awaitText("session " + sessionId + ": 1 turns", replyEnd);

            await().atMost(Duration.ofSeconds(60)).until(() -> search(sessionId, "partition order").size() == 2);
            chat.type("/search partition order\r");
            chat.awaitText("  user       Tell me how Kafka keeps order in a partition", shown);

            chat.type("/new\r");
            int created = chat.awaitText("new session ", shown);
            String newSession = chat.screen().substring(created, created + 36);
            assertNotEquals(sessionId, newSession);
            assertEquals(200, api.send("GET", "/v1/sessions/" + newSession, null).statusCode());

            chat.awaitText("> ", created);
            chat.type(Pty.CTRL_D);
            assertEquals(0, chat.awaitExit(), chat.screen());
        }
    }

    @Test
    @DisplayName("Ctrl-C stops a streaming reply (the turn ends cancelled) and a second Ctrl-C leaves")
    void ctrlCCancelsThenLeaves() throws Exception {
        try (Pty chat = Pty.run(REPO, chatEnvironment(parley.url(), key), "./parley chat")) {
            int banner = chat.awaitText("(/help for commands)", 0);
            String sessionId = sessionIn(chat.screen());
            chat.awaitText("> ", banner);
            chat.type("Write me a very long story\\\r#sim: tokens=5000 itl_ms=20\r");
            int replyStart = chat.awaitText("itl_ms=20\n", banner);
            // the deterministic text depends on the message without its directives: this one starts the same way
            chat.awaitText(replyTo("Write me a very long story\n#sim: tokens=3").substring(0, 12), replyStart);

            chat.type(Pty.CTRL_C);
            int cancelled = chat.awaitText("[cancelled]", replyStart);
            chat.awaitText("> ", cancelled);
            assertTrue(chat.alive(), "the first Ctrl-C stops the reply, not the client");
            JsonNode turn = onlyTurn(sessionId);
            assertEquals("cancelled", turn.path("status").asText(), turn.toString());

            chat.type(Pty.CTRL_C);
            assertEquals(CtrlC.EXIT_STATUS, chat.awaitExit(), chat.screen());
        }
    }

    @Test
    @DisplayName("in a pipe, --session continues a session: the reply alone on stdout, exit 0")
    void pipeContinuesASession() throws Exception {
        String sessionId = api.createSession();
        String first = api.postTurn(sessionId, "My name is Ada.");
        assertEquals("completed", api.turnStatus(sessionId, first, 60).path("status").asText());

        Run run = pipe(chatEnvironment(parley.url(), null), "What is my name?\n#sim: echo", "--key", key,
            "--session", sessionId);
        assertEquals(0, run.exit(), run.stderr());
        assertTrue(run.stderr().contains("session " + sessionId), run.stderr());
        JsonNode context = ParleyHttp.JSON.readTree(run.stdout());
        assertTrue(context.toString().contains("My name is Ada."), "the reply (the echoed context) has turn 1: " + context);
        assertTrue(context.get(context.size() - 1).path("content").asText().startsWith("What is my name?"), context.toString());
        assertEquals(2, turnsOf(sessionId), "both turns are in the one session");
    }

    @Test
    @DisplayName("a reply resumes where it stopped after its connection is cut, and after it goes silent: stdout is the "
        + "recorded reply, nothing lost or repeated")
    void resumesAfterDroppedConnections() throws Exception {
        String message = "Explain consumer groups\n#sim: tokens=200 itl_ms=30";
        String expected = replyTo(message);
        try (FlakyProxy proxy = new FlakyProxy(URI.create(parley.url()).getPort())) {
            Process chat = chatProcess(chatEnvironment(proxy.url(), key), "--silence-seconds", "2");
            ByteArrayOutputStream stdout = collect(chat.getInputStream());
            ByteArrayOutputStream stderr = collect(chat.getErrorStream());
            try (OutputStream stdin = chat.getOutputStream()) {
                stdin.write(message.getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> text(stdout).length() > expected.length() / 5);
            proxy.cut();
            int beforeStall = text(stdout).length();
            await().atMost(Duration.ofSeconds(60)).until(() -> text(stdout).length() > beforeStall + 20);
            proxy.stall();
            int stalledAt = text(stdout).length();
            assertTrue(chat.waitFor(120, TimeUnit.SECONDS), "the client finished: " + text(stderr));
            assertEquals(0, chat.exitValue(), text(stderr));
            assertEquals(expected + "\n", text(stdout));
            assertEquals(2, text(stderr).split(Pattern.quote(Screen.LOST), -1).length - 1,
                "one notice per drop: " + text(stderr));
            assertTrue(stalledAt < expected.length(), "both drops came before the reply ended");
        }
    }

    @Test
    @DisplayName("a wrong key is refused with the gateway's 401, named on stderr; nothing on stdout, exit 1")
    void wrongKeyIsRefused() throws Exception {
        Run run = pipe(chatEnvironment(parley.url(), "pk_0000000000000000_wrong"), "Hello");
        assertEquals(1, run.exit(), run.stderr());
        assertEquals("", run.stdout());
        assertTrue(run.stderr().contains("[401 unauthorized: "), run.stderr());
    }

    /** What ./parley chat reads from the environment: the gateway and, unless null, the key. */
    private static Map<String, String> chatEnvironment(String url, String apiKey) {
        return apiKey == null ? Map.of("PARLEY_URL", url) : Map.of("PARLEY_URL", url, "PARLEY_API_KEY", apiKey);
    }

    /** The simulator gives the same message the same reply: what it says to this one in a fresh session. */
    private static String replyTo(String message) throws Exception {
        String sessionId = api.createSession();
        JsonNode status = api.turnStatus(sessionId, api.postTurn(sessionId, message), 60);
        assertEquals("completed", status.path("status").asText(), status.toString());
        return status.path("text").asText();
    }

    private static String sessionIn(String screen) {
        Matcher matcher = SESSION.matcher(screen);
        assertTrue(matcher.find(), "no session id in: " + screen);
        return matcher.group(1);
    }

    private static JsonNode view(String sessionId) throws Exception {
        return ParleyHttp.expect(200, api.send("GET", "/v1/sessions/" + sessionId, null));
    }

    private static JsonNode search(String sessionId, String query) throws Exception {
        String q = java.net.URLEncoder.encode(query, StandardCharsets.UTF_8);
        return ParleyHttp.expect(200, api.send("GET", "/v1/sessions/" + sessionId + "/search?q=" + q, null))
            .path("results");
    }

    /** The session's one turn as the snapshot has it, once postprocess-streams has it. */
    private static JsonNode onlyTurn(String sessionId) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> view(sessionId).path("recentTurns"),
            turns -> turns.size() == 1 && ENDED.contains(turns.get(0).path("status").asText())).get(0);
    }

    private static int turnsOf(String sessionId) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> view(sessionId).path("turnCount").asInt(),
            count -> count >= 2);
    }

    private record Run(int exit, String stdout, String stderr) {
    }

    /** {@code printf 'input' | ./parley chat args...}: a real pipe on stdin, stdout and stderr apart. */
    private static Run pipe(Map<String, String> env, String input, String... args) throws Exception {
        Process chat = chatProcess(env, args);
        ByteArrayOutputStream stdout = collect(chat.getInputStream());
        ByteArrayOutputStream stderr = collect(chat.getErrorStream());
        try (OutputStream stdin = chat.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(chat.waitFor(120, TimeUnit.SECONDS), "the client did not exit: " + text(stderr));
        chat.getInputStream().close();
        return new Run(chat.exitValue(), text(stdout), text(stderr));
    }

    private static Process chatProcess(Map<String, String> env, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("./parley", "chat"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static ByteArrayOutputStream collect(InputStream stream) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = stream.read(buffer)) > 0; ) {
                    synchronized (bytes) {
                        bytes.write(buffer, 0, n);
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "chat-output");
        reader.setDaemon(true);
        reader.start();
        return bytes;
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
