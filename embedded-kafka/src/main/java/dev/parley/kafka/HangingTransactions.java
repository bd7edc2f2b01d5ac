package dev.parley.kafka;

import java.time.Duration;
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
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the transactions a killed persistent broker left hanging in its partitions, before any client starts
 * ({@code ./parley start} and {@code ./parley kafka} run it after every broker start).
 *
 * <p>The standalone run kills the broker together with the producers. A SIGKILL between a transactional write
 * reaching a partition and the transaction coordinator recording that partition leaves a transaction the
 * coordinator will never end (a hanging transaction): its records, and for {@code __consumer_offsets} its offsets,
 * stay unstable for good. Seen after SIGKILLs: the worker's committed position could never be read again.
 *
 * <p>Only those are aborted. A transaction the coordinator tracks (ongoing, or prepared to commit or abort: the
 * usual state of one killed mid-commit) is the coordinator's to end, and it does so once it has loaded its log.
 * Aborting such a transaction in one partition while the coordinator commits it in the others split it: seen in
 * CrashRecoveryIT, a worker's committed offsets moved past a turn whose terminal event was aborted, so the turn
 * never ended. (Kafka's own {@code kafka-transactions.sh find-hanging} makes the same distinction.)
 */
public final class HangingTransactions {

    private static final Logger log = LoggerFactory.getLogger(HangingTransactions.class);
    private static final long TIMEOUT_SECONDS = 30;
    /** How long a transaction no coordinator tracks may take to have its markers written before it counts as hanging. */
    static final Duration MARKER_GRACE = Duration.ofSeconds(5);
    private static final long MARKER_POLL_MS = 200;

    private HangingTransactions() {
    }

    /** Transaction states in which the coordinator still ends the transaction itself. */
    private static final Set<TransactionState> COORDINATOR_ENDS = Set.of(TransactionState.ONGOING,
        TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    /** Aborts every open transaction that no coordinator tracks, in every partition; returns how many. */
    public static int abortAll(String bootstrapServers) {
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
                    if (producer.currentTransactionStartOffset().isEmpty()) {
                        continue;
                    }
                    List<TransactionDescription> tracked = coordinatorView(admin, producer.producerId());
                    if (!hanging(entry.getKey(), producer.producerId(), tracked)) {
                        log.info("Left the transaction open in {} by producer {} to its coordinator: {}",
                            entry.getKey(), producer.producerId(), tracked);
                    } else if (openAfterGrace(admin, entry.getKey(), producer)) {
                        if (abort(admin, entry.getKey(), producer)) {
                            log.warn("Aborted a transaction left open in {} by producer {} (epoch {}) of a run that "
                                + "did not stop cleanly; its coordinator does not track it: {}", entry.getKey(),
                                producer.producerId(), producer.producerEpoch(), tracked);
                            aborted++;
                        }
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

    /**
     * True when no coordinator's transaction of {@code producerId} is still open with {@code partition} in it: the
     * partition's open transaction is one nobody will ever end.
     */
    static boolean hanging(TopicPartition partition, long producerId, List<TransactionDescription> coordinatorView) {
        return coordinatorView.stream().noneMatch(transaction -> transaction.producerId() == producerId
            && COORDINATOR_ENDS.contains(transaction.state()) && transaction.topicPartitions().contains(partition));
    }

    /**
     * Whether {@code partition} still has the transaction {@code open} showed after {@link #MARKER_GRACE}: a
     * coordinator that has just ended a transaction (no longer tracked as open) may still be writing its markers,
     * e.g. while the restarted broker's listener comes up; only a transaction still open after that is hanging.
     */
    private static boolean openAfterGrace(Admin admin, TopicPartition partition, ProducerState open)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + MARKER_GRACE.toNanos();
        while (stillOpen(admin, partition, open)) {
            if (System.nanoTime() > deadline) {
                return true;
            }
            Thread.sleep(MARKER_POLL_MS);
        }
        return false;
    }

    /**
     * Aborts the hanging transaction; false when its coordinator ended it first (the abort is refused with an
     * invalid producer epoch once the coordinator has bumped it) and the partition is closed after the grace.
     */
    private static boolean abort(Admin admin, TopicPartition partition, ProducerState open)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.abortTransaction(new AbortTransactionSpec(partition, open.producerId(), (short) open.producerEpoch(),
                open.coordinatorEpoch().orElse(0))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof InvalidProducerEpochException) || openAfterGrace(admin, partition, open)) {
                throw e;
            }
            log.info("The transaction left open in {} by producer {} was ended by its coordinator meanwhile", partition,
                open.producerId());
            return false;
        }
    }

    /** Whether {@code partition} still has the transaction {@code open} showed, after the coordinator was asked. */
    private static boolean stillOpen(Admin admin, TopicPartition partition, ProducerState open)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.describeProducers(List.of(partition)).partitionResult(partition)
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).activeProducers().stream()
            .anyMatch(producer -> producer.producerId() == open.producerId()
                && producer.currentTransactionStartOffset().equals(open.currentTransactionStartOffset()));
    }

    /** The coordinators' transactions of {@code producerId} (the admin client waits while a coordinator loads). */
    private static List<TransactionDescription> coordinatorView(Admin admin, long producerId)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> ids = admin.listTransactions(new ListTransactionsOptions().filterProducerIds(Set.of(producerId)))
            .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream().map(TransactionListing::transactionalId).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        return List.copyOf(admin.describeTransactions(ids).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values());
    }
}
