package dev.parley.worker.turns;

import dev.parley.avro.LedgerEvent;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.telemetry.ServiceMetrics;
import dev.parley.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * Runs the worker's ledger transactions (terminal events, dead letters and the consumed offsets, bound to the
 * group's generation) on a thread of their own, one at a time. A commit takes milliseconds to tens of them on a
 * busy machine: on the consumer thread it held up picking up new turns and cancels for that long.
 *
 * <p>Before a transaction records a turn's end, every token chunk already sent is acknowledged ({@code beforeCommit}
 * flushes the token producer): a worker killed between its last chunk and its commit must not leave a terminal event
 * in the ledger whose final chunk never reached the token topic (clients would wait for it forever, and no worker
 * regenerates a turn that has ended).
 */
final class LedgerCommitter implements AutoCloseable {

    /** What one transaction writes; built on the consumer thread, which alone may read the group metadata. */
    record Batch(List<TurnTask> done, List<ProducerRecord<String, byte[]>> deadLetters,
                 Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    }

    /**
     * How a transaction ended: committed, with where each terminal event landed; aborted with a retriable failure
     * (most often the group moved on); or {@code fatal}, when this producer can never write again.
     */
    record Result(Batch batch, List<Long> recordedAt, KafkaException failure, boolean fatal) {

        boolean committed() {
            return failure == null;
        }
    }

    private final Producer<String, byte[]> producer;
    private final AvroSerde<LedgerEvent> ledgerSerde;
    private final ExecutorService thread;
    private final Runnable beforeCommit;

    /**
     * Owns {@code producer} (transactional) and closes it; {@link #init()} before the first commit.
     *
     * @param beforeCommit waits until the turns' token chunks are written (blocks, on the committer thread)
     */
    LedgerCommitter(Producer<String, byte[]> producer, AvroSerde<LedgerEvent> ledgerSerde, String name,
                    Runnable beforeCommit) {
        this.beforeCommit = beforeCommit;
        this.producer = producer;
        this.ledgerSerde = ledgerSerde;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "parley-ledger-commit-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    void bindMetrics(ServiceMetrics metrics) {
        metrics.bind(producer);
    }

    /** Fences the previous incarnation of this transactional id and aborts what it left open. Blocks. */
    void init() {
        producer.initTransactions();
    }

    /**
     * Starts the transaction on the committer thread; completes with how it ended (exceptionally only for what is
     * not a Kafka failure, which stops the worker as it would on the consumer thread).
     */
    CompletableFuture<Result> commit(Batch batch) {
        return CompletableFuture.supplyAsync(() -> run(batch), thread);
    }

    private Result run(Batch batch) {
        List<Future<RecordMetadata>> written = new ArrayList<>();
        if (!batch.done().isEmpty()) {
            beforeCommit.run();
        }
        try {
            producer.beginTransaction();
            for (TurnTask task : batch.done()) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.LEDGER.name(), task.partition(),
                    task.sessionId(), ledgerSerde.serializer().serialize(Topics.LEDGER.name(), task.terminalEvent()));
                task.hops().addTraceTo(record.headers());
                written.add(producer.send(record));
            }
            batch.deadLetters().forEach(producer::send);
            producer.sendOffsetsToTransaction(batch.offsets(), batch.group());
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException fatal) {
            return new Result(batch, List.of(), fatal, true);
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                return new Result(batch, List.of(), abortFailed, true);
            }
            return new Result(batch, List.of(), e, false);
        }
        List<Long> offsets = new ArrayList<>();
        for (Future<RecordMetadata> sent : written) {
            offsets.add(offsetOf(sent));
        }
        return new Result(batch, offsets, null, false);
    }

    /** The offset of a record of a committed transaction: its send has completed by then. */
    private static long offsetOf(Future<RecordMetadata> sent) {
        try {
            return sent.get().offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException e) {
            return -1; // cannot happen after a successful commit; without it the next context just does not wait
        }
    }

    /** Waits for a running transaction, then closes the producer ({@code wait} zero: like a crash). */
    void close(Duration wait) {
        thread.shutdown();
        try {
            thread.awaitTermination(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(wait);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
