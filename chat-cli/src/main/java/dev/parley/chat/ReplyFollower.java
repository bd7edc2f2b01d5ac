package dev.parley.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * Follows one turn's events to its terminal event, reconnecting after a dropped connection with the last event id
 * it saw (Last-Event-ID), so the gateway resends exactly what came after it: nothing lost, nothing repeated.
 */
final class ReplyFollower {

    private static final Set<String> TERMINAL = Set.of("done", "failed", "cancelled");

    private final Gateway gateway;
    /** How long reconnecting may keep failing before the follower gives up (the turn goes on in Parley). */
    private final Duration patience;
    /** How long a connection may stay silent (no event, no heartbeat) before it counts as dropped. */
    private final Duration silence;

    ReplyFollower(Gateway gateway, Duration patience, Duration silence) {
        this.gateway = gateway;
        this.patience = patience;
        this.silence = silence;
    }

    ReplyOutcome follow(String sessionId, String turnId, ReplyView view) throws IOException, InterruptedException {
        String cursor = null;
        Backoff backoff = new Backoff(patience);
        boolean reconnecting = false;
        while (true) {
            String lost;
            try (SseEvents events = new SseEvents(gateway.events(sessionId, turnId, cursor, silence), silence)) {
                for (SseEvents.Event event; (event = events.next()) != null; ) {
                    reconnecting = false;
                    backoff.reset();
                    if (event.id() != null) {
                        cursor = event.id();
                    }
                    if (event.type().equals("error")) {
                        break; // the gateway gave up on this connection; its id is where to resume
                    }
                    ReplyOutcome outcome = show(event, turnId, view);
                    if (outcome != null) {
                        return outcome;
                    }
                }
                lost = "the stream ended before the reply";
            } catch (IOException e) {
                lost = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            } catch (GatewayException e) {
                if (!e.retryable()) {
                    throw e;
                }
                lost = e.toString();
            }
            if (!reconnecting) {
                view.connectionLost();
                reconnecting = true;
            }
            backoff.pause(lost);
        }
    }

    /** Shows one event of the stream; the outcome when it is the turn's terminal event. */
    private static ReplyOutcome show(SseEvents.Event event, String turnId, ReplyView view) throws IOException {
        JsonNode data = Gateway.JSON.readTree(event.data());
        if (!turnId.equals(data.path("turnId").asText())) {
            return null; // another turn of the session (another client's, say)
        }
        switch (event.type()) {
            case "token" -> view.token(data.path("text").asText());
            case "stage" -> {
                if (data.path("boundary").asText().equals("start")) {
                    view.stageStarted(data.path("stage").asText(), data.path("backend").asText(null));
                }
            }
            case "reset" -> view.regenerating(data.path("attempt").asInt());
            default -> {
                if (TERMINAL.contains(event.type())) {
                    return new ReplyOutcome(event.type(), data.path("reason").asText(""));
                }
            }
        }
        return null;
    }

    /** Growing pauses between reconnects, up to a limit of total time without an event. */
    private static final class Backoff {

        private static final long FIRST_MS = 200;
        private static final long MAX_MS = 3_000;

        private final Duration patience;
        private long pauseMs;
        private long failingSince;

        Backoff(Duration patience) {
            this.patience = patience;
            reset();
        }

        void reset() {
            pauseMs = FIRST_MS;
            failingSince = 0;
        }

        void pause(String why) throws IOException, InterruptedException {
            long now = System.nanoTime();
            if (failingSince == 0) {
                failingSince = now;
            } else if (Duration.ofNanos(now - failingSince).compareTo(patience) > 0) {
                throw new IOException("gave up reconnecting after " + patience.toSeconds() + " s: " + why);
            }
            Thread.sleep(pauseMs);
            pauseMs = Math.min(MAX_MS, pauseMs * 2);
        }
    }
}
