package dev.parley.worker.turns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.UserTurn;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SessionTails: a context from memory only when the worker has seen every event it needs")
class SessionTailsTest {

    private final SessionTails tails = new SessionTails();

    @Test
    @DisplayName("a session created after the assignment is complete from its start")
    void createdAfterAssignment() {
        tails.assigned(0, 100);
        tails.seen(0, 120, event("s", new SessionCreated(null, null)));
        tails.seen(0, 121, event("s", UserTurn.newBuilder().setText("hi").setClientTurnId(null).build()));
        tails.seen(0, 125, event("s", AssistantReply.newBuilder().setText("hello").setModel(null).setFinishReason(null).setUsage(null).build()));
        assertEquals(List.of(120L, 121L, 125L), List.copyOf(tails.from("s", 0).orElseThrow().keySet()));
    }

    @Test
    @DisplayName("a session older than the assignment is complete only from where the worker began to read")
    void olderSession() {
        tails.assigned(0, 100);
        tails.seen(0, 130, event("s", UserTurn.newBuilder().setText("again").setClientTurnId(null).build()));
        assertTrue(tails.from("s", 0).isEmpty(), "without a snapshot the start is missing");
        assertTrue(tails.from("s", 99).isEmpty(), "a snapshot up to 98 leaves 99 unseen");
        assertEquals(List.of(130L), List.copyOf(tails.from("s", 100).orElseThrow().keySet()));
        assertEquals(List.of(), List.copyOf(tails.from("s", 131).orElseThrow().keySet()));
    }

    @Test
    @DisplayName("beyond a session's text budget the oldest events go, and the tail is complete only from the rest")
    void truncated() {
        tails.assigned(0, 0);
        tails.seen(0, 0, event("s", new SessionCreated(null, null)));
        String text = "x".repeat(1_000);
        int fit = SessionTails.CHARS_PER_SESSION / text.length();
        for (int i = 1; i <= fit + 1; i++) {
            tails.seen(0, i, event("s", UserTurn.newBuilder().setText(text).setClientTurnId(null).build()));
        }
        assertTrue(tails.from("s", 0).isEmpty());
        assertTrue(tails.from("s", 1).isEmpty());
        assertEquals(fit, tails.from("s", 2).orElseThrow().size());
    }

    @Test
    @DisplayName("a session dropped for the total budget is read from the ledger, also when it is seen again")
    void droppedSession() {
        tails.assigned(0, 0);
        tails.seen(0, 0, event("old", new SessionCreated(null, null)));
        String text = "y".repeat(SessionTails.CHARS_PER_SESSION);
        long sessions = SessionTails.CHARS / text.length() + 1;
        for (int i = 1; i <= sessions; i++) {
            tails.seen(0, i, event("s" + i, UserTurn.newBuilder().setText(text).setClientTurnId(null).build()));
        }
        assertTrue(tails.from("old", 0).isEmpty(), "the least recently used session went first");
        tails.seen(0, sessions + 1, event("old", UserTurn.newBuilder().setText("back").setClientTurnId(null).build()));
        assertTrue(tails.from("old", 0).isEmpty(), "what it had before is not in memory any more");
        assertEquals(1, tails.from("old", sessions + 1).orElseThrow().size());
    }

    @Test
    @DisplayName("nothing is kept for a revoked partition, nor for one never assigned, nor after an unknown offset")
    void revokedAndUnknown() {
        tails.assigned(0, 0);
        tails.seen(0, 1, event("s", new SessionCreated(null, null)));
        tails.seen(1, 1, event("t", new SessionCreated(null, null)));
        assertTrue(tails.from("t", 0).isEmpty(), "partition 1 is not assigned");
        tails.seen(0, -1, event("s", AssistantReply.newBuilder().setText("where?").setModel(null).setFinishReason(null).setUsage(null).build()));
        assertTrue(tails.from("s", 0).isEmpty(), "an event at an unknown offset makes the session read the ledger");
        tails.seen(0, 2, event("u", new SessionCreated(null, null)));
        tails.revoked(0);
        assertTrue(tails.from("u", 0).isEmpty());
    }

    private static LedgerEvent event(String session, Object payload) {
        return LedgerEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setSessionId(session)
            .setTurnId(UUID.randomUUID().toString()).setTimestamp(Instant.now()).setProducer("test").setAttempt(0)
            .setPayload(payload).build();
    }
}
