package dev.parley.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.schemas.ids.UuidV7;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A session's partition is the one Kafka's default partitioner picks for its key")
class TopicLayoutTest {

    @Test
    @DisplayName("the same partition as the producer's built-in partitioner, for many ids and partition counts")
    void sameAsProducer() {
        IntStream.range(0, 2_000).mapToObj(i -> UuidV7.next().toString()).forEach(id -> {
            for (int partitions : new int[] {1, 3, 6, 12, 64}) {
                assertEquals(BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions),
                        TopicLayout.partitionFor(id, partitions), id);
            }
        });
    }
}
