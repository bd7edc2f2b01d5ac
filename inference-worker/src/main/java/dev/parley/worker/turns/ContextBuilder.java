package dev.parley.worker.turns;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.ContextMessage;
import dev.parley.avro.HistorySummary;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.OpenCommitment;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.TurnSummary;
import dev.parley.avro.UserTurn;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.Topics;
import dev.parley.worker.backend.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Builds a turn's context from the session's latest snapshot (summary, facts, open commitments, recent turns) plus
 * the ledger records after the snapshot's offset. The tail is read up to the ledger's end, so the reply to turn N-1
 * is always in turn N's context, however far postprocess-streams lags; the snapshot only keeps the tail short.
 * Without a snapshot (a new session, or postprocess-streams never ran) the whole session is read from the ledger.
 * When the worker's own consumer has already seen all of that ({@link SessionTails}), nothing is read at all.
 *
 * <p>A turn may carry the conversation before it as its client sent it ({@code UserTurn.context}: an
 * OpenAI-compatible request without a session): those messages go right before the turn's text, and stay with the
 * turn in the history of later turns.
 */
public final class ContextBuilder implements AutoCloseable {

    private final PartitionScanner scanner;
    private final SnapshotCache snapshots;
    private final Deserializer<LedgerEvent> ledger;
    private final int budgetChars;
    private final String systemPrompt;
    private final List<AutoCloseable> owned;
    private final SessionTails tails;

    ContextBuilder(PartitionScanner scanner, SnapshotCache snapshots, SessionTails tails,
                   Deserializer<LedgerEvent> ledger, int budgetChars, String systemPrompt) {
        this(scanner, snapshots, tails, ledger, budgetChars, systemPrompt, List.of());
    }

    private ContextBuilder(PartitionScanner scanner, SnapshotCache snapshots, SessionTails tails,
                           Deserializer<LedgerEvent> ledger, int budgetChars, String systemPrompt,
                           List<AutoCloseable> owned) {
        this.tails = tails;
        this.scanner = scanner;
        this.snapshots = snapshots;
        this.ledger = ledger;
        this.budgetChars = budgetChars;
        this.systemPrompt = systemPrompt;
        this.owned = owned;
    }

    /**
     * A context builder with its own Kafka clients, as the worker builds contexts (for benchmarks).
     *
     * @param useSnapshots false reads every context from the ledger alone: the naive full replay
     */
    public static ContextBuilder open(Map<String, Object> kafka, int budgetChars, String systemPrompt,
                                      boolean useSnapshots) {
        PartitionScanner scanner = new PartitionScanner(kafka, 1);
        SnapshotCache snapshots = useSnapshots ? new SnapshotCache(kafka, Topics.SESSIONS.valueSerde(kafka).deserializer())
            : null;
        AvroSerde<LedgerEvent> serde = Topics.LEDGER.valueSerde(kafka);
        List<AutoCloseable> owned = snapshots == null ? List.of(scanner, serde) : List.of(snapshots, scanner, serde);
        return new ContextBuilder(scanner, snapshots, null, serde.deserializer(), budgetChars, systemPrompt, owned);
    }

    /** Reads the snapshots of these ledger partitions (the worker's assignment). */
    public void follow(Set<Integer> partitions) {
        if (snapshots != null) {
            snapshots.follow(partitions);
        }
    }

    /** The ledger offset the newest snapshot read for the session covers; -1 when none has been read. */
    public long snapshotOffset(String sessionId) {
        return snapshots == null ? -1 : snapshots.get(sessionId).map(SessionSnapshot::getLedgerOffset).orElse(-1L);
    }

    List<ChatMessage> build(TurnTask turn) {
        return build(turn.sessionId(), turn.partition(), turn.turnId(), turn.offset(), turn.mustSee(),
            turn.userText(), turn.givenContext());
    }

    /**
     * The messages for the turn at {@code turnOffset} of ledger partition {@code partition}.
     *
     * @param mustSee a ledger offset the context must include (the previous turn's terminal event), or -1
     */
    public List<ChatMessage> build(String sessionId, int partition, String turnId, long turnOffset, long mustSee,
                                   String userText) {
        return build(sessionId, partition, turnId, turnOffset, mustSee, userText, List.of());
    }

    /** As above, with the messages the turn's client supplied before its text ({@code UserTurn.context}). */
    public List<ChatMessage> build(String sessionId, int partition, String turnId, long turnOffset, long mustSee,
                                   String userText, List<ContextMessage> given) {
        Optional<SessionSnapshot> snapshot = snapshots == null ? Optional.empty()
            : snapshots.get(sessionId).filter(s -> s.getLedgerPartition() == partition);
        History history = new History();
        snapshot.ifPresent(s -> history.start(s, turnId));
        long from = snapshot.map(s -> s.getLedgerOffset() + 1).orElse(0L);
        Optional<NavigableMap<Long, LedgerEvent>> seen = tails == null ? Optional.empty() : tails.from(sessionId, from)
            .filter(events -> mustSee < 0 || events.containsKey(mustSee));
        if (seen.isPresent()) {
            seen.get().forEach((offset, event) -> apply(history, turnOffset, offset, event));
            return withinBudget(history, new Turn(userText, given));
        }
        TopicPartition ledgerPartition = new TopicPartition(Topics.LEDGER.name(), partition);
        Consumer<ConsumerRecord<byte[], byte[]>> sink = record -> apply(history, sessionId, turnOffset, record);
        if (snapshot.isPresent()) {
            scanner.scanFromOffset(ledgerPartition, snapshot.get().getLedgerOffset() + 1, mustSee, sink);
        } else {
            long sessionStart = UuidV7.parse(sessionId).map(UuidV7::timestampMillis).orElse(0L);
            scanner.scan(ledgerPartition, sessionStart, mustSee, sink);
        }
        return withinBudget(history, new Turn(userText, given));
    }

    private void apply(History history, String sessionId, long turnOffset, ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null || !sessionId.equals(new String(record.key(), StandardCharsets.UTF_8))) {
            return;
        }
        LedgerEvent event;
        try {
            event = ledger.deserialize(Topics.LEDGER.name(), record.value());
        } catch (RuntimeException undecodable) {
            return; // the turn consumer dead-letters it; history simply goes without it
        }
        apply(history, turnOffset, record.offset(), event);
    }

    private static void apply(History history, long turnOffset, long offset, LedgerEvent event) {
        if (event.getPayload() instanceof UserTurn user && offset < turnOffset) {
            history.turns.putIfAbsent(event.getTurnId(), new Turn(user.getText(), user.getContext()));
        } else if (event.getPayload() instanceof AssistantReply reply && history.turns.containsKey(event.getTurnId())) {
            history.turns.get(event.getTurnId()).reply = reply.getText();
        }
    }

    /** A turn of the history: what the client supplied before its text, the text, and the reply (null if none). */
    private static final class Turn {
        final String user;
        final List<ContextMessage> given;
        String reply;

        Turn(String user, List<ContextMessage> given) {
            this.user = user;
            this.given = given;
        }

        /** Characters counted against the budget. */
        int chars() {
            int chars = user.length() + (reply == null ? 0 : reply.length());
            for (ContextMessage message : given) {
                chars += message.getContent().length();
            }
            return chars;
        }

        /** The turn's messages in order: the supplied ones, the user's text, the reply. */
        void addTo(List<ChatMessage> messages) {
            for (ContextMessage message : given) {
                messages.add(new ChatMessage(message.getRole(), message.getContent()));
            }
            messages.add(ChatMessage.user(user));
            if (reply != null) {
                messages.add(ChatMessage.assistant(reply));
            }
        }
    }

    /** What the context is built from: the snapshot's memory and the earlier turns in order. */
    private static final class History {
        final Map<String, Turn> turns = new LinkedHashMap<>();
        HistorySummary summary;
        Map<String, String> facts = Map.of();
        List<OpenCommitment> commitments = List.of();

        /** Takes the snapshot's turns before the current one (a snapshot can already hold it and later ones). */
        void start(SessionSnapshot snapshot, String currentTurnId) {
            summary = snapshot.getSummary();
            facts = snapshot.getFacts();
            commitments = snapshot.getOpenCommitments();
            for (TurnSummary turn : snapshot.getRecentTurns()) {
                if (turn.getTurnId().equals(currentTurnId)) {
                    break;
                }
                Turn earlier = new Turn(turn.getUserText(), turn.getContext());
                earlier.reply = "completed".equals(turn.getStatus()) ? turn.getAssistantText() : null;
                turns.put(turn.getTurnId(), earlier);
            }
        }
    }

    private List<ChatMessage> withinBudget(History history, Turn current) {
        List<ChatMessage> messages = new ArrayList<>();
        if (!systemPrompt.isBlank()) {
            messages.add(ChatMessage.system(systemPrompt));
        }
        String memory = memory(history);
        if (!memory.isEmpty()) {
            messages.add(ChatMessage.system(memory));
        }
        Deque<Turn> kept = new ArrayDeque<>();
        int used = current.chars() + memory.length();
        List<Turn> turns = new ArrayList<>(history.turns.values());
        for (int i = turns.size() - 1; i >= 0; i--) {
            int cost = turns.get(i).chars();
            if (used + cost > budgetChars && i < turns.size() - 1) {
                break; // older turns fall out first (postprocess-streams folds them into the summary); N-1 stays
            }
            used += cost;
            kept.addFirst(turns.get(i));
        }
        kept.forEach(turn -> turn.addTo(messages));
        current.addTo(messages);
        return messages;
    }

    /**
     * The snapshot's memory as one system message; empty when there is none. Promises are quoted: a reply that
     * repeats this list is quoting them, not making them again.
     */
    private static String memory(History history) {
        List<String> parts = new ArrayList<>();
        if (history.summary != null) {
            parts.add("Summary of the conversation so far: " + history.summary.getText());
        }
        if (!history.facts.isEmpty()) {
            parts.add("What the user told you about themselves: " + history.facts.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; ")) + ".");
        }
        if (!history.commitments.isEmpty()) {
            parts.add("Promises you made that are still open:\n" + history.commitments.stream()
                .map(c -> "- \"" + c.getText() + "\"" + (c.getDueAt() == null ? "" : " (due " + c.getDueAt() + ")"))
                .collect(Collectors.joining("\n")));
        }
        return String.join("\n", parts);
    }

    /** Closes the clients this builder opened itself ({@link #open}); the worker's own are closed by the worker. */
    @Override
    public void close() {
        for (AutoCloseable closeable : owned) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the context builder failed", e);
            }
        }
    }
}
