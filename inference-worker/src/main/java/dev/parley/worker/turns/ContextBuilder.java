package dev.parley.worker.turns;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.UserTurn;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.topics.Topics;
import dev.parley.worker.backend.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Builds a turn's context from the session's ledger: its earlier turns and replies, newest kept first within
 * the budget. Reads the ledger up to its current end, so the reply to turn N-1 is always in turn N's context
 * (it was committed before turn N started), even when it was appended after turn N's UserTurn.
 */
final class ContextBuilder {

    private final PartitionScanner scanner;
    private final Deserializer<LedgerEvent> ledger;
    private final int budgetChars;
    private final String systemPrompt;

    ContextBuilder(PartitionScanner scanner, Deserializer<LedgerEvent> ledger, int budgetChars, String systemPrompt) {
        this.scanner = scanner;
        this.ledger = ledger;
        this.budgetChars = budgetChars;
        this.systemPrompt = systemPrompt;
    }

    List<ChatMessage> build(TurnTask turn) {
        Map<String, String> earlierTurns = new LinkedHashMap<>(); // turnId -> user text, in ledger order
        Map<String, String> replies = new HashMap<>();
        TopicPartition partition = new TopicPartition(Topics.LEDGER.name(), turn.partition());
        long sessionStart = UuidV7.parse(turn.sessionId()).map(UuidV7::timestampMillis).orElse(0L);
        scanner.scan(partition, sessionStart, turn.mustSee(), record -> {
            if (!turn.sessionId().equals(keyOf(record.key()))) {
                return;
            }
            LedgerEvent event;
            try {
                event = ledger.deserialize(Topics.LEDGER.name(), record.value());
            } catch (RuntimeException undecodable) {
                return; // the turn consumer dead-letters it; history simply goes without it
            }
            if (event.getPayload() instanceof UserTurn user && record.offset() < turn.offset()) {
                earlierTurns.put(event.getTurnId(), user.getText());
            } else if (event.getPayload() instanceof AssistantReply reply) {
                replies.put(event.getTurnId(), reply.getText());
            }
        });
        return withinBudget(earlierTurns, replies, turn.userText());
    }

    private List<ChatMessage> withinBudget(Map<String, String> earlierTurns, Map<String, String> replies, String current) {
        Deque<ChatMessage> kept = new ArrayDeque<>();
        int used = current.length();
        List<String> turnIds = new ArrayList<>(earlierTurns.keySet());
        for (int i = turnIds.size() - 1; i >= 0; i--) {
            String turnId = turnIds.get(i);
            String user = earlierTurns.get(turnId);
            String reply = replies.get(turnId);
            int cost = user.length() + (reply == null ? 0 : reply.length());
            if (used + cost > budgetChars) {
                break; // older turns fall out first; a later issue folds them into a summary instead
            }
            used += cost;
            if (reply != null) {
                kept.addFirst(ChatMessage.assistant(reply));
            }
            kept.addFirst(ChatMessage.user(user));
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (!systemPrompt.isBlank()) {
            messages.add(ChatMessage.system(systemPrompt));
        }
        messages.addAll(kept);
        messages.add(ChatMessage.user(current));
        return messages;
    }

    private static String keyOf(byte[] key) {
        return key == null ? null : new String(key, java.nio.charset.StandardCharsets.UTF_8);
    }
}
