package dev.parley.worker.turns;

import dev.parley.avro.DeadLetter;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.TokenChunk;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.telemetry.ServiceMetrics;
import dev.parley.schemas.topics.Topics;
import dev.parley.worker.WorkerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The worker's Kafka side, built once by its composition root: the group consumer of the ledger, the
 * transactional committer, the token producer, the serdes, the partition scanner, the snapshot cache, the
 * session tails and the context builder that reads them, and the personas. Closed after the turn consumer has
 * stopped.
 */
public final class WorkerClients implements AutoCloseable {

    static final int SCANNER_THREADS = 4;

    final KafkaConsumer<String, byte[]> consumer;
    final LedgerCommitter committer;
    final KafkaProducer<String, TokenChunk> tokenProducer;
    final AvroSerde<LedgerEvent> ledgerSerde;
    final AvroSerde<TokenChunk> tokenSerde;
    final AvroSerde<DeadLetter> deadLetterSerde;
    final AvroSerde<SessionSnapshot> snapshotSerde;
    final PartitionScanner scanner;
    final SnapshotCache snapshots;
    final SessionTails tails = new SessionTails();
    final ContextBuilder contextBuilder;
    final PersonaCache personas;
    private volatile Duration closeWait = Duration.ofSeconds(10);

    public WorkerClients(WorkerConfig config) {
        this.ledgerSerde = Topics.LEDGER.valueSerde(config.kafka());
        this.tokenSerde = Topics.TOKENS.valueSerde(config.kafka());
        this.deadLetterSerde = Topics.DLQ.valueSerde(config.kafka());
        this.snapshotSerde = Topics.SESSIONS.valueSerde(config.kafka());
        this.consumer = new KafkaConsumer<>(consumerConfig(config), new StringDeserializer(),
            new ByteArrayDeserializer());
        this.tokenProducer = new KafkaProducer<>(tokenProducerConfig(config), new StringSerializer(),
            tokenSerde.serializer());
        this.committer = new LedgerCommitter(new KafkaProducer<>(ledgerProducerConfig(config),
            new StringSerializer(), new ByteArraySerializer()), ledgerSerde, config.workerId(), tokenProducer::flush);
        this.scanner = new PartitionScanner(config.kafka(), SCANNER_THREADS);
        this.snapshots = new SnapshotCache(config.kafka(), snapshotSerde.deserializer());
        this.contextBuilder = new ContextBuilder(scanner, snapshots, tails, ledgerSerde.deserializer(),
            config.contextBudgetChars(), config.systemPrompt());
        this.personas = PersonaCache.start(config.kafka());
    }

    /** Exposes the consumer's and the producers' own metrics (fetch lag, request latency, ...) on {@code metrics}. */
    public void bindMetrics(ServiceMetrics metrics) {
        metrics.bind(consumer);
        metrics.bind(tokenProducer);
        committer.bindMetrics(metrics);
    }

    /** The context builder, for the route planner. */
    public ContextBuilder contextBuilder() {
        return contextBuilder;
    }

    /** The personas read from their topic, for the route planner. */
    public PersonaCache personas() {
        return personas;
    }

    /** Closes without waiting for pending writes (a crash, for fail-over tests). */
    void closeNow() {
        closeWait = Duration.ZERO;
    }

    @Override
    public void close() {
        tokenProducer.close(closeWait);
        committer.close(closeWait);
        scanner.close();
        snapshots.close();
        personas.close();
        snapshotSerde.close();
        ledgerSerde.close();
        tokenSerde.close();
        deadLetterSerde.close();
    }

    private static Map<String, Object> consumerConfig(WorkerConfig config) {
        Map<String, Object> c = new HashMap<>(config.kafka());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "parley-worker-" + config.workerId());
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "parley-worker-" + config.workerId());
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
        c.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
            (int) Math.max(500, config.sessionTimeout().toMillis() / 5));
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.putIfAbsent(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000);
        // Incremental rebalancing: a worker joining or leaving moves only some partitions, so the generations
        // streaming on the others go on (an eager rebalance would abandon every one of them).
        c.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        return c;
    }

    private static Map<String, Object> ledgerProducerConfig(WorkerConfig config) {
        Map<String, Object> c = new HashMap<>(config.kafka());
        // A stable id per worker: a restarted worker fences the transactions of its previous incarnation.
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "parley-worker-" + config.workerId());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "parley-worker-ledger-" + config.workerId());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A transaction lives for one commit (milliseconds). A worker that died with one open holds back
        // read_committed readers of those partitions (the next owner's catch-up) until the broker aborts it:
        // keep that short. A restart with the same id aborts it at once (initTransactions).
        c.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        // Transactions run back to back. The coordinator refuses the next one's sendOffsetsToTransaction with
        // CONCURRENT_TRANSACTIONS while the previous commit's markers are still being written, and the producer
        // retries after retry.backoff.ms: 100 ms by default, which was the p95 of a commit (and of done) at ten
        // streams (measured). Retries after real failures wait 5 ms too; a transaction that cannot finish still
        // fails within max.block.ms, as before.
        c.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
        return c;
    }

    private static Map<String, Object> tokenProducerConfig(WorkerConfig config) {
        Map<String, Object> c = new HashMap<>(config.kafka());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "parley-worker-tokens-" + config.workerId());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        return c;
    }
}
