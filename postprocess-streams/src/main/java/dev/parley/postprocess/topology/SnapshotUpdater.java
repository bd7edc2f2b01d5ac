package dev.parley.postprocess.topology;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.Commitment;
import dev.parley.avro.CommitmentStatus;
import dev.parley.avro.HistorySummarized;
import dev.parley.avro.HistorySummary;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.OpenCommitment;
import dev.parley.avro.PrincipalSessions;
import dev.parley.avro.PrincipalUsage;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.TurnSummary;
import dev.parley.avro.UserTurn;
import dev.parley.postprocess.extract.CommitmentExtractor;
import dev.parley.postprocess.extract.CommitmentMatcher;
import dev.parley.postprocess.extract.ExtractedCommitment;
import dev.parley.postprocess.extract.ExtractiveSummarizer;
import dev.parley.postprocess.extract.FactExtractor;
import dev.parley.postprocess.extract.RuleBasedCommitmentExtractor;
import dev.parley.postprocess.extract.SummaryTurn;
import dev.parley.postprocess.extract.Summarizer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one ledger event to a session's snapshot: the pure core of the snapshot topology. Everything it writes
 * derives from the events alone (timestamps included, never the wall clock), so replaying the ledger gives the same
 * snapshots, commitments and summaries (with the rule-based extractor and the extractive summarizer; a model's
 * answers may differ on a replay).
 */
public final class SnapshotUpdater {

    /** An open commitment this long past its due time, with no reply fulfilling it, is expired. */
    public static final Duration EXPIRY_GRACE = Duration.ofDays(1);
    /** The newest turns are never folded into the summary: turn N-1 and its reply stay verbatim. */
    public static final int KEEP_VERBATIM_TURNS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotUpdater.class);
    private static final Summarizer FALLBACK = new ExtractiveSummarizer();
    private static final CommitmentExtractor FALLBACK_PROMISES = new RuleBasedCommitmentExtractor();

    /**
     * What one event changed: the new snapshot (null when nothing did), commitment updates, a summary made, and the
     * usage of the turn the event finished (null unless it was the turn's first terminal event), and the session's
     * entry in its principal's session list (null unless the event opened the session or was its first turn).
     */
    public record Update(SessionSnapshot snapshot, List<Commitment> commitments, HistorySummarized summary,
                         PrincipalUsage turnEnded, PrincipalSessions listed) {
    }

    private final int recentBudgetChars;
    private final int summaryMaxChars;
    private final Summarizer summarizer;
    private final FactExtractor facts = new FactExtractor();
    private final CommitmentExtractor promises;
    private final CommitmentMatcher matcher = new CommitmentMatcher();

    /**
     * @param summarizer folds old turns into the summary; when it throws, the extractive one stands in
     * @param promises   finds the promises in replies; when it throws, the rule-based one stands in
     */
    public SnapshotUpdater(int recentBudgetChars, int summaryMaxChars, Summarizer summarizer,
                           CommitmentExtractor promises) {
        this.recentBudgetChars = recentBudgetChars;
        this.summaryMaxChars = summaryMaxChars;
        this.summarizer = summarizer;
        this.promises = Objects.requireNonNull(promises, "promises");
    }

    /** Applies {@code event}, found at {@code partition}/{@code offset} of the ledger, to {@code current} (null: none yet). */
    public Update apply(SessionSnapshot current, LedgerEvent event, int partition, long offset) {
        SessionSnapshot snapshot = current != null ? SessionSnapshot.newBuilder(current).build() : empty(event, partition);
        if (offset <= snapshot.getLedgerOffset()) {
            return new Update(null, List.of(), null, null, null); // already applied
        }
        Instant at = event.getTimestamp();
        List<Commitment> changed = new ArrayList<>();
        Object payload = event.getPayload();
        PrincipalUsage ended = null;
        PrincipalSessions listed = null;
        if (payload instanceof SessionCreated created) {
            listed = PrincipalSessionLists.opened(created.getCreatedBy(), event.getSessionId(), at);
        } else if (payload instanceof UserTurn user) {
            boolean first = snapshot.getTurnCount() == 0;
            onUserTurn(snapshot, event, user, changed);
            if (first && snapshot.getTurnCount() == 1) {
                listed = PrincipalSessionLists.firstTurn(user.getPrincipal(), event.getSessionId(), at,
                    user.getText());
            }
        } else if (payload instanceof AssistantReply reply) {
            if (onReply(snapshot, event, reply, changed)) {
                ended = PrincipalUsages.turn(reply.getPrincipal(), "completed", reply.getUsage(), reply.getCostUsd());
            }
        } else if (payload instanceof ReplyFailed failed) {
            if (finish(snapshot, event.getTurnId(), failed.getPartialText(), "failed")) {
                SessionUsage.count(snapshot, failed.getUsage(), failed.getCostUsd());
                ended = PrincipalUsages.turn(failed.getPrincipal(), "failed", failed.getUsage(), failed.getCostUsd());
            }
        } else if (payload instanceof ReplyCancelled cancelled) {
            if (finish(snapshot, event.getTurnId(), cancelled.getPartialText(), "cancelled")) {
                SessionUsage.count(snapshot, cancelled.getUsage(), cancelled.getCostUsd());
                ended = PrincipalUsages.turn(cancelled.getPrincipal(), "cancelled", cancelled.getUsage(),
                    cancelled.getCostUsd());
            }
        }
        expire(snapshot, event, changed);
        HistorySummarized summary = compact(snapshot, event, partition, offset);
        snapshot.setLedgerPartition(partition);
        snapshot.setLedgerOffset(offset);
        snapshot.setUpdatedAt(at);
        return new Update(snapshot, changed, summary, ended, listed);
    }

    private static SessionSnapshot empty(LedgerEvent event, int partition) {
        return SessionSnapshot.newBuilder()
            .setSessionId(event.getSessionId())
            .setTurnCount(0)
            .setLedgerPartition(partition)
            .setLedgerOffset(-1)
            .setRecentTurns(new ArrayList<>())
            .setSummary(null)
            .setOpenCommitments(new ArrayList<>())
            .setFacts(new LinkedHashMap<>())
            .setUpdatedAt(event.getTimestamp())
            .build();
    }

    private void onUserTurn(SessionSnapshot snapshot, LedgerEvent event, UserTurn user, List<Commitment> changed) {
        String turnId = event.getTurnId();
        if (snapshot.getRecentTurns().stream().anyMatch(t -> t.getTurnId().equals(turnId))) {
            return; // the same turn twice: the first one counts
        }
        snapshot.setTurnCount(snapshot.getTurnCount() + 1);
        List<TurnSummary> turns = new ArrayList<>(snapshot.getRecentTurns());
        turns.add(new TurnSummary(turnId, user.getText(), null, "pending", user.getContext()));
        snapshot.setRecentTurns(turns);
        Map<String, String> known = new LinkedHashMap<>(snapshot.getFacts());
        known.putAll(facts.extract(user.getText()));
        snapshot.setFacts(known);
        close(snapshot, turnId, event.getTimestamp(), changed, CommitmentStatus.CANCELLED,
            c -> matcher.cancels(user.getText(), c.getText()));
    }

    /** Records the reply; false when it was not the turn's first terminal event (the first one counted). */
    private boolean onReply(SessionSnapshot snapshot, LedgerEvent event, AssistantReply reply,
                            List<Commitment> changed) {
        if (!finish(snapshot, event.getTurnId(), reply.getText(), "completed")) {
            return false; // a second terminal event for the turn: the first one counted, usage included
        }
        SessionUsage.count(snapshot, reply.getUsage(), reply.getCostUsd());
        close(snapshot, event.getTurnId(), event.getTimestamp(), changed, CommitmentStatus.FULFILLED,
            c -> matcher.fulfils(reply.getText(), c.getText()));
        List<OpenCommitment> open = new ArrayList<>(snapshot.getOpenCommitments());
        List<ExtractedCommitment> made = promisesIn(snapshot, event, reply);
        for (int i = 0; i < made.size(); i++) {
            ExtractedCommitment promise = made.get(i);
            if (open.stream().anyMatch(c -> sameWords(c.getText(), promise.text()))) {
                continue; // the same promise again is still one promise
            }
            OpenCommitment commitment = new OpenCommitment(event.getTurnId() + "#" + i, event.getTurnId(),
                promise.text(), promise.dueAtMillis() == null ? null : Instant.ofEpochMilli(promise.dueAtMillis()),
                event.getTimestamp());
            open.add(commitment);
            changed.add(state(snapshot, commitment, CommitmentStatus.OPEN, null, event.getTimestamp()));
        }
        snapshot.setOpenCommitments(open);
        return true;
    }

    private List<ExtractedCommitment> promisesIn(SessionSnapshot snapshot, LedgerEvent event, AssistantReply reply) {
        long at = event.getTimestamp().toEpochMilli();
        try {
            return promises.extract(reply.getText(), at);
        } catch (RuntimeException e) {
            // A model server that is down must not stop the snapshots: find the promises with the rules.
            LOG.warn("Commitment extractor {} failed for session {} turn {}, using {} instead: {}", promises.id(),
                snapshot.getSessionId(), event.getTurnId(), FALLBACK_PROMISES.id(), e.getMessage());
            return FALLBACK_PROMISES.extract(reply.getText(), at);
        }
    }

    /** Records the outcome of a pending turn; false when the turn is unknown or already finished. */
    private static boolean finish(SessionSnapshot snapshot, String turnId, String text, String status) {
        List<TurnSummary> turns = new ArrayList<>(snapshot.getRecentTurns());
        for (int i = 0; i < turns.size(); i++) {
            TurnSummary turn = turns.get(i);
            if (turn.getTurnId().equals(turnId) && turn.getStatus().equals("pending")) {
                turns.set(i, new TurnSummary(turnId, turn.getUserText(), text == null || text.isEmpty() ? null : text,
                    status, turn.getContext()));
                snapshot.setRecentTurns(turns);
                return true;
            }
        }
        return false;
    }

    /** Closes every open commitment {@code closes} picks; {@code closedBy} is the turn that did it (null: none). */
    private static void close(SessionSnapshot snapshot, String closedBy, Instant at, List<Commitment> changed,
                              CommitmentStatus status, Predicate<OpenCommitment> closes) {
        List<OpenCommitment> open = new ArrayList<>();
        for (OpenCommitment commitment : snapshot.getOpenCommitments()) {
            if (closes.test(commitment)) {
                changed.add(state(snapshot, commitment, status, closedBy, at));
            } else {
                open.add(commitment);
            }
        }
        snapshot.setOpenCommitments(open);
    }

    private static void expire(SessionSnapshot snapshot, LedgerEvent event, List<Commitment> changed) {
        Instant now = event.getTimestamp();
        close(snapshot, null, now, changed, CommitmentStatus.EXPIRED,
            c -> c.getDueAt() != null && now.isAfter(c.getDueAt().plus(EXPIRY_GRACE)));
    }

    private static Commitment state(SessionSnapshot snapshot, OpenCommitment commitment, CommitmentStatus status,
                                    String closedBy, Instant at) {
        return Commitment.newBuilder()
            .setCommitmentId(commitment.getCommitmentId())
            .setSessionId(snapshot.getSessionId())
            .setTurnId(commitment.getTurnId())
            .setText(commitment.getText())
            .setDueAt(commitment.getDueAt())
            .setStatus(status)
            .setClosedByTurnId(status == CommitmentStatus.OPEN ? null : closedBy)
            .setCreatedAt(commitment.getCreatedAt())
            .setUpdatedAt(at)
            .build();
    }

    /**
     * Folds the oldest finished turns into the running summary once the verbatim turns outgrow the budget, down to
     * half of it (so a summary is not rewritten on every turn). Returns the event that records it, or null.
     */
    private HistorySummarized compact(SessionSnapshot snapshot, LedgerEvent event, int partition, long offset) {
        List<TurnSummary> turns = snapshot.getRecentTurns();
        long used = turns.stream().mapToLong(SnapshotUpdater::chars).sum();
        if (used <= recentBudgetChars) {
            return null;
        }
        int fold = 0;
        int foldable = turns.size() - KEEP_VERBATIM_TURNS;
        while (fold < foldable && used > recentBudgetChars / 2 && !turns.get(fold).getStatus().equals("pending")) {
            used -= chars(turns.get(fold));
            fold++;
        }
        if (fold == 0) {
            return null;
        }
        List<SummaryTurn> folded = turns.subList(0, fold).stream()
            .map(t -> new SummaryTurn(t.getTurnId(), t.getUserText(), t.getAssistantText())).toList();
        HistorySummary previous = snapshot.getSummary();
        String previousText = previous == null ? null : previous.getText();
        Summarizer by = summarizer;
        String text;
        try {
            text = summarizer.summarize(previousText, folded, summaryMaxChars);
        } catch (RuntimeException e) {
            // A model server that is down must not stop the snapshots: fold with the extractive summarizer.
            LOG.warn("Summarizer {} failed for session {}, using {} instead: {}", summarizer.id(),
                snapshot.getSessionId(), FALLBACK.id(), e.getMessage());
            by = FALLBACK;
            text = FALLBACK.summarize(previousText, folded, summaryMaxChars);
        }
        HistorySummary summary = new HistorySummary(text,
            previous == null ? folded.get(0).turnId() : previous.getFirstTurnId(),
            folded.get(folded.size() - 1).turnId(),
            (previous == null ? 0 : previous.getCoveredTurns()) + fold,
            offset, by.id());
        snapshot.setSummary(summary);
        snapshot.setRecentTurns(new ArrayList<>(turns.subList(fold, turns.size())));
        return summaryEvent(snapshot.getSessionId(), summary, partition, event.getTimestamp());
    }

    private static boolean sameWords(String a, String b) {
        return normalized(a).equals(normalized(b));
    }

    private static String normalized(String text) {
        return text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    private static long chars(TurnSummary turn) {
        return turn.getUserText().length() + (turn.getAssistantText() == null ? 0 : turn.getAssistantText().length());
    }

    private static HistorySummarized summaryEvent(String sessionId, HistorySummary summary, int partition, Instant at) {
        String identity = "summary:" + sessionId + ":" + summary.getLastTurnId() + ":" + summary.getCoveredTurns();
        return HistorySummarized.newBuilder()
            .setEventId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())
            .setSessionId(sessionId)
            .setText(summary.getText())
            .setFirstTurnId(summary.getFirstTurnId())
            .setLastTurnId(summary.getLastTurnId())
            .setCoveredTurns(summary.getCoveredTurns())
            .setLedgerPartition(partition)
            .setThroughOffset(summary.getThroughOffset())
            .setSummarizer(summary.getSummarizer())
            .setTimestamp(at)
            .build();
    }
}
