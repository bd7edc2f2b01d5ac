package dev.parley.standalone.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.UserTurn;
import dev.parley.schemas.topics.Topics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract checked after a crash or chaos run: the ledger read with read_committed against what every
 * {@link SessionDriver} was told and saw. Every accepted turn is the ledger's, has exactly one terminal event, and
 * its client got exactly one terminal event for the recorded attempt; the streamed text equals the ledger text; no
 * retried POST appended a turn twice; every attempt's chunks arrived as seq 0, 1, 2, ... each once, a regenerated
 * attempt announced by a reset.
 */
public final class LedgerAudit {

    private LedgerAudit() {
    }

    /** One broken promise, about one turn of one session (turnId null when about the session). */
    public record Problem(String kind, String session, String turnId, String message) {
        @Override
        public String toString() {
            return kind + ": session " + session + (turnId == null ? "" : ", turn " + turnId) + ": " + message;
        }
    }

    /** What the audit found: counts for a report, and every problem for a failure message. */
    public record Report(int sessions, int accepted, int ledgerTurns, int lost, int duplicateTerminals,
                         int duplicateTurns, int notReplied, int textMismatches, int clientEndMismatches,
                         int resumeGaps, int resumeDuplicates, List<Problem> problems) {

        public boolean clean() {
            return problems.isEmpty();
        }

        /** The problems, one a line, the first {@code max} of them. */
        public String describe(int max) {
            StringBuilder text = new StringBuilder(summary());
            problems.stream().limit(max).forEach(p -> text.append("\n  ").append(p));
            if (problems.size() > max) {
                text.append("\n  ... and ").append(problems.size() - max).append(" more");
            }
            return text.toString();
        }

        public String summary() {
            return String.format("%d accepted turns in %d sessions (%d in the ledger): %d lost, %d duplicate terminal "
                    + "events, %d duplicate turns from retried POSTs, %d ended without a reply, %d text mismatches, "
                    + "%d client terminal mismatches, %d resume gaps, %d resume duplicates", accepted, sessions,
                ledgerTurns, lost, duplicateTerminals, duplicateTurns, notReplied, textMismatches, clientEndMismatches,
                resumeGaps, resumeDuplicates);
        }
    }

    /** Reads the ledger (read_committed) and audits every driver's session against it. */
    public static Report audit(String bootstrapServers, String registryUrl, List<SessionDriver> drivers) {
        Map<String, List<LedgerEvent>> bySession = new HashMap<>();
        for (TopicReader.Logged<LedgerEvent> logged : TopicReader.readAll(bootstrapServers, registryUrl, Topics.LEDGER,
                "read_committed")) {
            bySession.computeIfAbsent(logged.value().getSessionId(), s -> new ArrayList<>()).add(logged.value());
        }
        return audit(bySession, drivers);
    }

    /** Audits every driver's session against the ledger's events, by session. */
    public static Report audit(Map<String, List<LedgerEvent>> ledger, List<SessionDriver> drivers) {
        Tally tally = new Tally();
        for (SessionDriver driver : drivers) {
            tally.session(driver, ledger.getOrDefault(driver.session(), List.of()));
        }
        return new Report(drivers.size(), tally.accepted, tally.ledgerTurns, tally.lost, tally.duplicateTerminals,
            tally.duplicateTurns, tally.notReplied, tally.textMismatches, tally.clientEndMismatches, tally.resumeGaps,
            tally.resumeDuplicates, List.copyOf(tally.problems));
    }

    private static final class Tally {
        int accepted;
        int ledgerTurns;
        int lost;
        int duplicateTerminals;
        int duplicateTurns;
        int notReplied;
        int textMismatches;
        int clientEndMismatches;
        int resumeGaps;
        int resumeDuplicates;
        final List<Problem> problems = new ArrayList<>();
        private String session;

        void session(SessionDriver driver, List<LedgerEvent> events) {
            session = driver.session();
            if (driver.failure() != null) {
                problems.add(new Problem("driver", session, driver.failedTurn(), driver.failure()));
            }
            Map<String, String> turnByClientTurn = new HashMap<>();
            Map<String, List<LedgerEvent>> terminals = new HashMap<>();
            for (LedgerEvent event : events) {
                Object payload = event.getPayload();
                if (payload instanceof UserTurn turn) {
                    String earlier = turnByClientTurn.put(turn.getClientTurnId(), event.getTurnId());
                    if (earlier != null) {
                        duplicateTurns++;
                        problem("duplicate turn", event.getTurnId(), "clientTurnId " + turn.getClientTurnId()
                            + " was appended twice (also as " + earlier + ")");
                    }
                    terminals.putIfAbsent(event.getTurnId(), new ArrayList<>());
                } else if (payload instanceof AssistantReply || payload instanceof ReplyFailed
                    || payload instanceof ReplyCancelled) {
                    terminals.computeIfAbsent(event.getTurnId(), id -> new ArrayList<>()).add(event);
                }
            }
            ledgerTurns += turnByClientTurn.size();
            terminals.forEach((turnId, ends) -> {
                if (ends.size() > 1) {
                    duplicateTerminals += ends.size() - 1;
                    problem("duplicate terminal", turnId, ends.size() + " terminal events");
                }
            });
            List<SseClient.Event> seen = driver.events();
            for (Map.Entry<String, String> posted : driver.accepted().entrySet()) {
                accepted++;
                turn(posted.getKey(), posted.getValue(), turnByClientTurn, terminals, seen);
            }
        }

        /** One accepted turn: the ledger's, one terminal event, and the client saw exactly its reply. */
        private void turn(String clientTurnId, String turnId, Map<String, String> turnByClientTurn,
                          Map<String, List<LedgerEvent>> terminals, List<SseClient.Event> seen) {
            if (!turnId.equals(turnByClientTurn.get(clientTurnId))) {
                lost++;
                problem("lost", turnId, "the 202's turn is not the ledger's turn for " + clientTurnId + " ("
                    + turnByClientTurn.get(clientTurnId) + ")");
                return;
            }
            List<LedgerEvent> ends = terminals.get(turnId);
            if (ends.isEmpty()) {
                lost++;
                problem("lost", turnId, "no terminal event in the ledger");
                return;
            }
            LedgerEvent end = ends.get(0);
            List<SseClient.Event> clientEnds = seen.stream().filter(e -> SessionDriver.TERMINALS.contains(e.type()))
                .filter(e -> SessionDriver.turnOf(e).equals(turnId)).toList();
            if (clientEnds.size() != 1 || attempt(clientEnds.get(0)) != end.getAttempt()) {
                clientEndMismatches++;
                problem("client terminal", turnId, "the client got " + clientEnds + " for the ledger's attempt "
                    + end.getAttempt());
            }
            if (!(end.getPayload() instanceof AssistantReply reply)) {
                notReplied++;
                problem("no reply", turnId, "ended with " + end.getPayload().getClass().getSimpleName());
                return;
            }
            String streamed = ParleyHttp.streamedReply(seen, turnId);
            if (!reply.getText().equals(streamed)) {
                textMismatches++;
                problem("text mismatch", turnId, "streamed " + streamed.length() + " chars, the ledger has "
                    + reply.getText().length());
            }
            seqs(seen, turnId);
        }

        /** Every attempt the client saw: seq 0, 1, 2, ... each once; every attempt after the first announced. */
        private void seqs(List<SseClient.Event> seen, String turnId) {
            Map<Integer, Integer> nextSeq = new HashMap<>();
            int announced = 1;
            for (SseClient.Event event : seen) {
                if (!SessionDriver.turnOf(event).equals(turnId)) {
                    continue;
                }
                if (event.type().equals("reset")) {
                    announced = attempt(event);
                } else if (event.type().equals("token")) {
                    int attempt = attempt(event);
                    if (attempt != announced) {
                        resumeGaps++;
                        problem("resume gap", turnId, "attempt " + attempt + " without its reset");
                        announced = attempt;
                    }
                    int expected = nextSeq.getOrDefault(attempt, 0);
                    int seq = data(event).path("seq").asInt();
                    if (seq > expected) {
                        resumeGaps++;
                        problem("resume gap", turnId, "attempt " + attempt + " seq " + seq + " after " + (expected - 1));
                    } else if (seq < expected) {
                        resumeDuplicates++;
                        problem("resume duplicate", turnId, "attempt " + attempt + " seq " + seq + " again");
                    }
                    nextSeq.put(attempt, Math.max(expected, seq + 1));
                }
            }
        }

        private void problem(String kind, String turnId, String message) {
            problems.add(new Problem(kind, session, turnId, message));
        }
    }

    private static int attempt(SseClient.Event event) {
        return data(event).path("attempt").asInt();
    }

    private static JsonNode data(SseClient.Event event) {
        try {
            return ParleyHttp.JSON.readTree(event.data());
        } catch (IOException notJson) {
            return ParleyHttp.JSON.missingNode();
        }
    }
}
