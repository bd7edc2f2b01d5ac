package dev.parley.standalone;

import static org.awaitility.Awaitility.await;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.TokenChunk;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.TopicSpec;
import dev.parley.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * What each side knows about one turn, for a failure message: the ledger (read_committed), the token topic, the
 * events the client received, and the lines of every run's log that name it. Tells which side lost a turn's end:
 * the worker (no terminal event in the ledger), the token topic (a terminal event but no final chunk), or the
 * gateway (both there, the client never got them).
 */
final class TurnDiagnosis {

    /** One record of a topic and where it is. */
    record Logged<V>(int partition, long offset, V value) {
    }

    private TurnDiagnosis() {
    }

    /** Every record of {@code topic}, in partition and offset order, with the given isolation level. */
    static <V extends SpecificRecord> List<Logged<V>> readAll(ParleyProcess parley, TopicSpec<V> topic,
                                                             String isolationLevel) {
        return readAll(parley.bootstrapServers(), parley.registryUrl(), topic, isolationLevel);
    }

    /** Every record of {@code topic} in the Kafka at {@code bootstrapServers}, read with Parley's Avro serde. */
    static <V extends SpecificRecord> List<Logged<V>> readAll(String bootstrapServers, String registryUrl,
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
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    V value = serde.deserializer().deserialize(record.topic(), record.value());
                    all.add(new Logged<>(record.partition(), record.offset(), value));
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
        }
        return all;
    }

    /** The report for {@code turnId}: never throws, whatever it cannot read it says so. */
    static String of(String turnId, ParleyProcess parley, List<SseClient.Event> seen, String connection,
                     Path dataDir) {
        StringBuilder report = new StringBuilder("\n--- turn ").append(turnId).append(" ---");
        report.append("\nledger (read_committed):");
        try {
            for (Logged<LedgerEvent> logged : readAll(parley, Topics.LEDGER, "read_committed")) {
                LedgerEvent event = logged.value();
                if (turnId.equals(event.getTurnId())) {
                    report.append("\n  ").append(logged.partition()).append('-').append(logged.offset()).append(' ')
                        .append(event.getPayload().getClass().getSimpleName()).append(" attempt ")
                        .append(event.getAttempt()).append(" by ").append(event.getProducer()).append(" at ")
                        .append(event.getTimestamp());
                }
            }
        } catch (RuntimeException e) {
            report.append("\n  (could not read it: ").append(e).append(')');
        }
        report.append("\ntoken topic:");
        try {
            for (Logged<TokenChunk> logged : readAll(parley, Topics.TOKENS, "read_uncommitted")) {
                TokenChunk chunk = logged.value();
                if (turnId.equals(chunk.getTurnId())) {
                    report.append("\n  ").append(logged.partition()).append('-').append(logged.offset())
                        .append(" attempt ").append(chunk.getAttempt()).append(" seq ").append(chunk.getSeq())
                        .append(chunk.getFinal$() ? " FINAL " + chunk.getFinishReason() : "");
                }
            }
        } catch (RuntimeException e) {
            report.append("\n  (could not read it: ").append(e).append(')');
        }
        report.append("\nclient (").append(connection).append("):");
        for (SseClient.Event event : seen) {
            if (event.data().contains(turnId) || event.type().equals("error") || event.type().equals("client-error")) {
                report.append("\n  ").append(event.id()).append(' ').append(event.type()).append(' ')
                    .append(event.data().length() > 160 ? event.data().substring(0, 160) + "..." : event.data());
            }
        }
        report.append("\nlogs:");
        for (int run = 0; Files.exists(dataDir.resolve("run-" + run + ".log")); run++) {
            Path log = dataDir.resolve("run-" + run + ".log");
            try {
                List<String> lines = Files.readAllLines(log).stream().filter(line -> line.contains(turnId)).toList();
                report.append("\n  ").append(log.getFileName()).append(": ")
                    .append(lines.isEmpty() ? "nothing about it" : lines.size() + " line(s)");
                lines.forEach(line -> report.append("\n    ").append(line));
            } catch (IOException e) {
                report.append("\n  ").append(log).append(": (could not read it: ").append(e).append(')');
            }
        }
        return report.toString();
    }
}
