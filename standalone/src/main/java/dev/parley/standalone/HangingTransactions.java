package dev.parley.standalone;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the transactions a killed standalone run left open in its broker's partitions, before any client starts.
 *
 * <p>The standalone run kills the broker together with the producers. A SIGKILL between a transactional write
 * reaching a partition and the transaction coordinator recording that partition leaves a transaction the
 * coordinator will never end (a hanging transaction): its records, and for {@code __consumer_offsets} its offsets,
 * stay unstable for good. Seen after SIGKILLs: the worker's committed position could never be read again. Nothing
 * else runs yet when this runs, so every open transaction is a dead process's; aborting one the coordinator would
 * also end is harmless. (Kafka's own tool does the same by hand: {@code kafka-transactions.sh find-hanging}.)
 */
final class HangingTransactions {

    private static final Logger log = LoggerFactory.getLogger(HangingTransactions.class);
    private static final long TIMEOUT_SECONDS = 30;

    private HangingTransactions() {
    }

    /** Aborts every open transaction in every partition; returns how many. */
    static int abortAll(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            for (TopicDescription topic : admin.describeTopics(topics).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
                topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
            }
            int aborted = 0;
            for (var entry : admin.describeProducers(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .entrySet()) {
                for (ProducerState producer : entry.getValue().activeProducers()) {
                    if (producer.currentTransactionStartOffset().isPresent()) {
                        admin.abortTransaction(new AbortTransactionSpec(entry.getKey(), producer.producerId(),
                            (short) producer.producerEpoch(), producer.coordinatorEpoch().orElse(0)))
                            .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        log.warn("Aborted a transaction left open in {} by producer {} (epoch {}) of a run that did "
                            + "not stop cleanly", entry.getKey(), producer.producerId(), producer.producerEpoch());
                        aborted++;
                    }
                }
            }
            return aborted;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for open transactions", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not look for transactions left open by an unclean stop: "
                + e.getMessage(), e);
        }
    }
}
