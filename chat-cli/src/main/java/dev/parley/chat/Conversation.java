package dev.parley.chat;

import java.io.IOException;

/** One chat against the gateway: sends turns and streams their replies, and answers the slash commands. */
final class Conversation {

    static final String HELP = """
            /new           start a new session
            /session       what Parley made of this session: turns, summary, facts, open promises, usage
            /search TEXT   the turns of this session nearest in meaning to TEXT
            /help          this text
            /exit          leave (or Ctrl-D; Ctrl-C stops a streaming reply, a second Ctrl-C leaves)
            End a line with \\ to continue the message on the next line.""";
    private static final int SEARCH_HITS = 5;

    private final Gateway gateway;
    private final ReplyFollower follower;
    private final Screen screen;
    private final CtrlC ctrlC;
    private final String route;
    private String sessionId;

    Conversation(Gateway gateway, ReplyFollower follower, Screen screen, CtrlC ctrlC, String sessionId, String route) {
        this.gateway = gateway;
        this.follower = follower;
        this.screen = screen;
        this.ctrlC = ctrlC;
        this.sessionId = sessionId;
        this.route = route;
    }

    String sessionId() {
        return sessionId;
    }

    /** Whether {@code text} is a slash command rather than a message. */
    static boolean isCommand(String text) {
        return text.startsWith("/") && !text.contains("\n");
    }

    /** Runs a slash command; false for {@code /exit}. */
    boolean command(String line) throws IOException, InterruptedException {
        String[] parts = line.trim().split("\\s+", 2);
        String argument = parts.length > 1 ? parts[1].trim() : "";
        switch (parts[0]) {
            case "/exit", "/quit" -> {
                return false;
            }
            case "/new" -> {
                sessionId = gateway.createSession();
                screen.notice("new session " + sessionId);
            }
            case "/session" -> Views.snapshot(gateway.session(sessionId)).forEach(screen::line);
            case "/search" -> {
                if (argument.isEmpty()) {
                    screen.notice("usage: /search TEXT");
                } else {
                    Views.search(gateway.search(sessionId, argument, SEARCH_HITS)).forEach(screen::line);
                }
            }
            case "/help" -> screen.line(HELP);
            default -> screen.notice("unknown command " + parts[0] + "; /help lists them");
        }
        return true;
    }

    /** Sends a message and streams its reply to the end; Ctrl-C meanwhile cancels it. */
    ReplyOutcome send(String text) throws IOException, InterruptedException {
        String turnId = gateway.postTurn(sessionId, text, route);
        ctrlC.streaming(() -> cancel(turnId));
        try {
            ReplyOutcome outcome = follower.follow(sessionId, turnId, screen);
            screen.endLine();
            if (outcome.type().equals("failed")) {
                screen.notice("[failed: " + outcome.reason() + "]");
            } else if (outcome.type().equals("cancelled")) {
                screen.notice("[cancelled]");
            }
            return outcome;
        } finally {
            ctrlC.idle();
        }
    }

    /** Ctrl-C during a reply: asks Parley to stop it; the stream then ends with {@code cancelled} (or {@code done}). */
    private void cancel(String turnId) {
        screen.notice("[cancelling; Ctrl-C again to leave]");
        try {
            gateway.cancel(sessionId, turnId);
        } catch (IOException | GatewayException e) {
            screen.notice("[could not cancel: " + e.getMessage() + "]");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
