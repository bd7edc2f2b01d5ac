package dev.parley.chat;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./parley chat}: a terminal client of a running Parley, over the gateway's HTTP API only (no Kafka).
 *
 * <ol>
 *   <li>Start Parley: {@code ./parley start} (or point {@code --url} / {@code PARLEY_URL} at any gateway).</li>
 *   <li>{@code ./parley chat}: type a message, the reply streams; Ctrl-C stops it, a second Ctrl-C leaves.</li>
 *   <li>{@code echo "question" | ./parley chat}: prints the reply and exits (non-zero when it failed).</li>
 *   <li>With keys: {@code PARLEY_API_KEY=pk_... ./parley chat --url https://parley.example.com}.</li>
 * </ol>
 */
@Command(name = "./parley chat", mixinStandardHelpOptions = true, version = "Parley chat 0.1",
        description = {"Chat with a running Parley in the terminal: replies stream token by token and resume after a "
                + "dropped connection. Ctrl-C stops a streaming reply; a second Ctrl-C (or Ctrl-D, /exit) leaves.",
            "In a pipe (echo \"question\" | ./parley chat) all of standard input is one message: the reply goes to "
                + "standard output and the exit status is 0 only when it completed.",
            "", "Commands: /new, /session, /search TEXT, /help, /exit.", ""})
public final class ChatMain implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:PARLEY_URL:-http://localhost:8080}",
            description = "the gateway (env PARLEY_URL; default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:PARLEY_API_KEY}",
            description = "an API key or JWT, sent as Authorization: Bearer (env PARLEY_API_KEY)")
    String key;

    @Option(names = "--session", paramLabel = "ID", description = "continue this session instead of starting one")
    String session;

    @Option(names = "--route", paramLabel = "NAME", description = "ask for this route of the worker's catalogue")
    String route;

    @Option(names = "--reconnect-seconds", paramLabel = "N", defaultValue = "120",
            description = "how long to keep reconnecting a dropped stream before giving up (default ${DEFAULT-VALUE})")
    int reconnectSeconds;

    @Option(names = "--silence-seconds", paramLabel = "N", defaultValue = "45",
            description = "a stream silent this long (no event, no heartbeat: the gateway sends one every 15 s by "
                    + "default) counts as dropped and is resumed (default ${DEFAULT-VALUE})")
    int silenceSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChatMain()).execute(args));
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (reconnectSeconds < 1 || silenceSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--reconnect-seconds and --silence-seconds are at least 1");
        }
        Screen screen = Screen.system();
        Gateway gateway = new Gateway(url, key);
        CtrlC ctrlC = CtrlC.install(() -> {
            screen.endLine();
            System.exit(CtrlC.EXIT_STATUS);
        });
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            ReplyFollower follower = new ReplyFollower(gateway, Duration.ofSeconds(reconnectSeconds),
                    Duration.ofSeconds(silenceSeconds));
            Conversation chat = new Conversation(gateway, follower, screen, ctrlC, openSession(gateway), route);
            screen.notice("Parley at " + gateway.base() + ", session " + chat.sessionId()
                    + (interactive() ? " (/help for commands)" : ""));
            return interactive() ? new Prompt(chat, screen, input).run() : once(chat, input);
        } catch (GatewayException e) {
            screen.notice("[" + e + "]");
            return 1;
        } catch (IOException e) {
            screen.notice("[cannot reach Parley at " + gateway.base() + ": " + e + "]");
            return 1;
        }
    }

    /** The {@code --session} to continue, once the gateway knows it as the caller's; else a new one. */
    private String openSession(Gateway gateway) throws IOException, InterruptedException {
        if (session == null) {
            return gateway.createSession();
        }
        try {
            gateway.session(session);
        } catch (GatewayException e) {
            if (!e.retryable()) {
                throw e;
            }
            // the view comes from postprocess-streams, which may be down; the session itself is the gateway's
        }
        return session;
    }

    /** A pipe: all of standard input is one message (or one command); 0 only when the reply completed. */
    private static int once(Conversation chat, BufferedReader input) throws IOException, InterruptedException {
        String text = input.lines().reduce((a, b) -> a + "\n" + b).orElse("").strip();
        if (text.isEmpty()) {
            throw new GatewayException(400, "missing_text", "standard input was empty: nothing to send");
        }
        if (Conversation.isCommand(text)) {
            chat.command(text);
            return 0;
        }
        return chat.send(text).completed() ? 0 : 1;
    }

    /** Both standard input and output are a terminal (on JDK 22+, where a console exists either way, it says so). */
    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException olderJdk) {
            return true;
        }
    }
}
