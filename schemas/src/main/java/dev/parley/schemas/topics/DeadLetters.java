package dev.parley.schemas.topics;

import dev.parley.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The DLQ record for a record a consumer gave up on, built the same way by every service. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /**
     * A dead letter keeping the original key and value byte for byte (either may be null).
     *
     * @param reason   why the record was given up on
     * @param error    what failed, named in the letter
     * @param consumer the application or group that gave up
     */
    public static DeadLetter of(String topic, int partition, long offset, String key, byte[] value, String reason,
                                Throwable error, String consumer, Instant at) {
        return DeadLetter.newBuilder()
            .setOriginalTopic(topic)
            .setOriginalPartition(partition)
            .setOriginalOffset(offset)
            .setOriginalKey(key == null ? null : ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)))
            .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
            .setReason(String.valueOf(reason))
            .setExceptionClass(error.getClass().getName())
            .setConsumer(consumer)
            .setTimestamp(at)
            .build();
    }
}
