package dev.parley.ingest.support;

import dev.parley.avro.LedgerEvent;
import dev.parley.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the ledger (read_committed) from a marked position: what was appended since, and nothing else. */
public final class LedgerProbe implements AutoCloseable {

    private final KafkaConsumer<String, LedgerEvent> consumer;
    private final List<TopicPartition> partitions;

    public LedgerProbe(Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, clientConfig.get("bootstrap.servers"));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                Topics.LEDGER.valueSerde(clientConfig).deserializer());
        partitions = consumer.partitionsFor(Topics.LEDGER.name()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
    }

    /** The ledger's end offsets now. */
    public Map<TopicPartition, Long> mark() {
        return consumer.endOffsets(partitions);
    }

    /**
     * Every event between {@code mark} and the end offsets as of this call, without waiting for
     * anything newer: what is returned was in the log when this was called.
     */
    public List<LedgerEvent> readToEnd(Map<TopicPartition, Long> mark) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        mark.forEach(consumer::seek);
        List<LedgerEvent> events = new ArrayList<>();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            for (ConsumerRecord<String, LedgerEvent> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    events.add(record.value());
                }
            }
        }
        return events;
    }

    /** Every event appended after {@code mark} within {@code window}: for asserting that nothing was. */
    public List<LedgerEvent> appendedWithin(Map<TopicPartition, Long> mark, Duration window) {
        mark.forEach(consumer::seek);
        List<LedgerEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(record -> events.add(record.value()));
        }
        return events;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
