package dev.parley.ingest.ledger;

import dev.parley.avro.BatchTag;
import dev.parley.avro.CancelRequested;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.UserTurn;
import dev.parley.schemas.ids.UuidV7;
import java.time.Instant;

/** The ledger events the gateway writes, with their envelope filled in. */
public final class LedgerEvents {

    /** The envelope's producer field for everything the gateway writes. */
    public static final String PRODUCER = "ingest-service";

    private LedgerEvents() {
    }

    /**
     * A session's first event, naming its owner ({@code createdBy}, null without authentication) and its persona
     * (null for none); turnId empty.
     */
    public static LedgerEvent sessionCreated(String sessionId, SessionCreated session) {
        return envelope(sessionId, "", session);
    }

    /**
     * A user's turn (attempt 0: attempts count generations, not turns), sent by {@code principal} (null without
     * authentication) in a session naming {@code persona} (null for none); {@code batch} tags one agent's turn of a
     * batch, null for every other turn.
     */
    public static LedgerEvent userTurn(String sessionId, String turnId, String text, String clientTurnId,
                                       TurnOptions options, BatchTag batch, String principal, String persona) {
        return envelope(sessionId, turnId, UserTurn.newBuilder().setText(text).setClientTurnId(clientTurnId)
                .setPrincipal(principal).setPersona(persona)
                .setRoute(options.route()).setSpotlight(options.spotlight()).setContext(options.context())
                .setBatch(batch).setGeneration(options.generation()).build());
    }

    public static LedgerEvent cancelRequested(String sessionId, String turnId) {
        return envelope(sessionId, turnId, new CancelRequested(null, Instant.now()));
    }

    private static LedgerEvent envelope(String sessionId, String turnId, Object payload) {
        return LedgerEvent.newBuilder()
                .setEventId(UuidV7.next().toString())
                .setSessionId(sessionId)
                .setTurnId(turnId)
                .setTimestamp(Instant.now())
                .setProducer(PRODUCER)
                .setAttempt(0)
                .setPayload(payload)
                .build();
    }
}
