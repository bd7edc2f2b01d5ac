package dev.parley.postprocess.topology;

import dev.parley.avro.PrincipalSession;
import dev.parley.avro.PrincipalSessions;
import dev.parley.postprocess.extract.FirstLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sessions per principal: one session's entry (when it is opened, and when its first turn names it), and two lists
 * merged into one, newest first and bounded. Merging is idempotent, so a redelivered event changes nothing.
 */
public final class PrincipalSessionLists {

    /** The newest sessions kept per principal; an older one drops off the list (its ledger is untouched). */
    public static final int MAX_SESSIONS = 200;

    private static final Comparator<PrincipalSession> NEWEST_FIRST = Comparator
        .comparing(PrincipalSession::getCreatedAt).thenComparing(PrincipalSession::getSessionId).reversed();

    private PrincipalSessionLists() {
    }

    /** No sessions: what an unknown principal has. */
    public static PrincipalSessions none(String principal) {
        return new PrincipalSessions(principal, List.of());
    }

    /** The session {@code createdBy} (null: anonymous) opened at {@code at}. */
    static PrincipalSessions opened(String createdBy, String sessionId, Instant at) {
        return one(createdBy, new PrincipalSession(sessionId, at, null));
    }

    /** The session's first turn, sent by {@code principal} at {@code at}: it gives the session its first line. */
    static PrincipalSessions firstTurn(String principal, String sessionId, Instant at, String text) {
        return one(principal, new PrincipalSession(sessionId, at, FirstLine.of(text)));
    }

    /** Both lists as one (of {@code list}'s principal): a session in both keeps its earliest time and a first line. */
    static PrincipalSessions add(PrincipalSessions list, PrincipalSessions more) {
        Map<String, PrincipalSession> byId = new LinkedHashMap<>();
        for (PrincipalSession session : list.getSessions()) {
            byId.put(session.getSessionId(), session);
        }
        for (PrincipalSession session : more.getSessions()) {
            byId.merge(session.getSessionId(), session, PrincipalSessionLists::merge);
        }
        List<PrincipalSession> sessions = new ArrayList<>(byId.values());
        sessions.sort(NEWEST_FIRST);
        return new PrincipalSessions(list.getPrincipal(),
            new ArrayList<>(sessions.subList(0, Math.min(MAX_SESSIONS, sessions.size()))));
    }

    private static PrincipalSession merge(PrincipalSession known, PrincipalSession more) {
        Instant createdAt = known.getCreatedAt().isBefore(more.getCreatedAt()) ? known.getCreatedAt()
            : more.getCreatedAt();
        return new PrincipalSession(known.getSessionId(), createdAt,
            known.getFirstLine() != null ? known.getFirstLine() : more.getFirstLine());
    }

    private static PrincipalSessions one(String principal, PrincipalSession session) {
        return new PrincipalSessions(PrincipalUsages.principal(principal), new ArrayList<>(List.of(session)));
    }
}
