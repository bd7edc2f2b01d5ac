package dev.parley.worker.turns;

import dev.parley.avro.TokenChunk;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the highest attempt a turn has streamed, so a turn taken over from a dead worker continues after it. */
final class EarlierAttempts {

    private static final Logger log = LoggerFactory.getLogger(EarlierAttempts.class);

    private final PartitionScanner scanner;
    private final Deserializer<TokenChunk> chunks;

    EarlierAttempts(PartitionScanner scanner, Deserializer<TokenChunk> chunks) {
        this.scanner = scanner;
        this.chunks = chunks;
    }

    /** The highest attempt already streamed for the turn (0 if none): a previous owner may have started it. */
    int highest(TurnTask task) {
        int[] max = {0};
        try {
            long since = UuidV7.parse(task.turnId()).map(UuidV7::timestampMillis).orElse(0L);
            scanner.scan(new TopicPartition(Topics.TOKENS.name(), task.partition()), since, record -> {
                if (task.sessionId().equals(new String(record.key(), StandardCharsets.UTF_8))) {
                    try {
                        TokenChunk chunk = chunks.deserialize(Topics.TOKENS.name(), record.value());
                        if (chunk.getTurnId().equals(task.turnId())) {
                            max[0] = Math.max(max[0], chunk.getAttempt());
                        }
                    } catch (RuntimeException undecodable) {
                        // not a chunk we can read: it cannot be one of this turn's attempts
                    }
                }
            });
        } catch (RuntimeException e) {
            log.warn("Could not read earlier attempts of turn {}: {}", task.turnId(), e.toString());
        }
        return max[0];
    }
}
