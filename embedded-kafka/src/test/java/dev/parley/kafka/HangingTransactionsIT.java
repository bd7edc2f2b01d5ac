package dev.parley.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the standalone boot aborts in a broker a killed run left behind, against a real broker. */
class HangingTransactionsIT {

    private static final String TOPIC = "hanging-tx";

    @Test
    @DisplayName("a transaction its coordinator still tracks is left to the coordinator: the commit that follows "
        + "keeps its records (aborting it split a committed turn's terminal event from its offsets)")
    void leavesATrackedTransactionToItsCoordinator() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral()) {
            createTopic(kafka.bootstrapServers());
            try (KafkaProducer<String, String> producer = transactional(kafka.bootstrapServers())) {
                producer.initTransactions();
                producer.beginTransaction();
                // in the partition, and in the coordinator's transaction: like a commit whose markers a SIGKILL
                // kept from being written, which the restarted coordinator completes on its own
                producer.send(new ProducerRecord<>(TOPIC, "session", "terminal event")).get(30, TimeUnit.SECONDS);

                int aborted = HangingTransactions.abortAll(kafka.bootstrapServers());

                producer.commitTransaction();
                assertEquals(List.of("terminal event"), readCommitted(kafka.bootstrapServers()),
                    "the record of a transaction whose commit succeeded is readable");
                assertEquals(0, aborted, "transactions aborted at boot");
            }
        }
    }

    private static void createTopic(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> transactional(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID(),
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000),
            new StringSerializer(), new StringSerializer());
    }

    /** Every record of the topic a read_committed consumer sees, once its end offset is reached. */
    private static List<String> readCommitted(String bootstrap) {
        List<String> values = new ArrayList<>();
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                // the end (the last stable offset) covers the commit marker once it is written
                return end >= 2 && consumer.position(tp) >= end;
            });
        }
        return values;
    }
}
