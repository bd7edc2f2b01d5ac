package dev.parley.standalone.client;

import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic from the beginning to its current end, as an auditor does after a run. */
public final class TopicReader {

    private static final Duration AT_MOST = Duration.ofSeconds(60);

    /** One record of a topic and where it is. */
    public record Logged<V>(int partition, long offset, V value) {
    }

    private TopicReader() {
    }

    /**
     * Every record of {@code topic}, in partition and offset order, with the given isolation level
     * ({@code read_committed} is what the contract is about).
     *
     * @throws IllegalStateException when the end is not reached within a minute
     */
    public static <V extends SpecificRecord> List<Logged<V>> readAll(String bootstrapServers, String registryUrl,
                                                                    TopicSpec<V> topic, String isolationLevel) {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrapServers,
            "schema.registry.url", registryUrl, ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel));
        List<Logged<V>> all = new ArrayList<>();
        try (AvroSerde<V> serde = topic.valueSerde(config);
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                 new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + AT_MOST.toNanos();
            while (!partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(topic.name() + " not read to its end " + ends + " within "
                        + AT_MOST);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    V value = serde.deserializer().deserialize(record.topic(), record.value());
                    all.add(new Logged<>(record.partition(), record.offset(), value));
                }
            }
        }
        return all;
    }
}
