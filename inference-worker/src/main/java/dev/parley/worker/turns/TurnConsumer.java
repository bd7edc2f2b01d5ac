package dev.parley.worker.turns;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.CancelRequested;
import dev.parley.avro.DeadLetter;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.UserTurn;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.serde.DecodeFailures;
import dev.parley.schemas.telemetry.Tracing;
import dev.parley.schemas.topics.DeadLetters;
import dev.parley.schemas.topics.Topics;
import dev.parley.schemas.trace.HopTimes;
import dev.parley.worker.WorkerConfig;
import dev.parley.worker.catalogue.BatchWindow;
import dev.parley.worker.resilience.Bulkhead;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the ledger and turns every UserTurn into exactly one terminal event.
 *
 * <p>One thread owns the group consumer; the transactional producer runs on the {@link LedgerCommitter}'s. Turns
 * of different sessions stream concurrently (an LLM call takes seconds); a session's turns run one after another.
 * A finished turn's terminal
 * event and the partition's committable offset (the first unfinished turn) go out in one Kafka transaction bound
 * to the consumer group's generation, so a worker that lost its partitions cannot commit anything any more.
 * After an assignment the partition is first read up to its end offset: turns a previous owner finished are
 * skipped, and those it left open are regenerated with the next attempt number.
 *
 * <p>The worker is a static member of its group ({@code group.instance.id} from the worker id): a worker that
 * restarts with the same id takes its partitions back at once instead of waiting out its old session.
 */
public final class TurnConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TurnConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration OFFSET_ONLY_COMMIT_INTERVAL = Duration.ofSeconds(2);
    private static final int STARTER_THREADS = 4;
    /** One try at an offset lookup during an assignment; {@code untilAnswered} tries again while it times out. */
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(15);
    /** How long a partition waits before a record that failed for want of the schema registry is read again. */
    private static final Duration DECODE_RETRY = Duration.ofSeconds(1);

    private final WorkerConfig config;
    private final Vertx vertx;
    private final String producerName;
    private final WorkerClients clients;
    private final KafkaConsumer<String, byte[]> consumer;
    private final LedgerCommitter committer;
    private final AvroSerde<LedgerEvent> ledgerSerde;
    private final SessionTails tails;
    private final RoutePlanner planner;
    private final EarlierAttempts earlierAttempts;
    private final ExecutorService starters;
    /** The worker's own limit on generations at once, its line fair across principals like a backend's. */
    private final Bulkhead generationSlots;
    private final Map<TopicPartition, PartitionTurns> partitions = new HashMap<>();
    /** Partitions paused at a record the registry could not help decode yet, and when to read it again. */
    private final Map<TopicPartition, Long> decodeRetryAt = new HashMap<>();
    private final SessionLines sessions = new SessionLines(this::startLater);
    private final Batcher batcher = new Batcher(this::startBatch);
    private final ConcurrentLinkedQueue<TurnTask> ended = new ConcurrentLinkedQueue<>();
    private final List<ProducerRecord<String, byte[]>> deadLetters = new ArrayList<>();
    private final AtomicInteger generating = new AtomicInteger();
    private final Thread thread;
    private volatile Set<Integer> assigned = Set.of();
    private volatile boolean running = true;
    private volatile boolean crashed;
    private long lastCommitNanos = System.nanoTime();
    private CompletableFuture<LedgerCommitter.Result> inFlight;
    private final TurnMetrics metrics;
    private final Tracer tracer = Tracing.tracer(Tracing.WORKER);

    /** Uses the clients and the planner it is given; closing them is the caller's job, after {@link #close()}. */
    public TurnConsumer(WorkerConfig config, Vertx vertx, WorkerClients clients, RoutePlanner planner,
                        TurnMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
        this.producerName = "inference-worker/" + config.workerId();
        this.clients = clients;
        this.consumer = clients.consumer;
        this.committer = clients.committer;
        this.ledgerSerde = clients.ledgerSerde;
        this.tails = clients.tails;
        this.planner = planner;
        this.earlierAttempts = new EarlierAttempts(clients.scanner, clients.tokenSerde.deserializer());
        this.starters = Executors.newFixedThreadPool(STARTER_THREADS, runnable -> {
            Thread t = new Thread(runnable, "parley-turn-starter");
            t.setDaemon(true);
            return t;
        });
        this.generationSlots = new Bulkhead(config.maxConcurrentGenerations(), config.spotlightJumpsQueue());
        this.thread = new Thread(this::run, "parley-turn-consumer-" + config.workerId());
    }

    /** Joins the group and starts consuming on its own thread. */
    public void start() {
        committer.init();
        consumer.subscribe(List.of(Topics.LEDGER.name()), new Rebalance());
        thread.start();
    }

    /** The ledger partitions this worker owns right now. */
    public Set<Integer> assignedPartitions() {
        return assigned;
    }

    /** The ledger offset covered by the session's newest snapshot this worker has read, or -1 (for tests). */
    public long snapshotOffset(String sessionId) {
        return clients.contextBuilder.snapshotOffset(sessionId);
    }

    /** Generations streaming right now (for tests and metrics). */
    public int generating() {
        return generating.get();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(POLL);
                } catch (WakeupException e) {
                    records = ConsumerRecords.empty();
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    if (!decodeRetryAt.containsKey(new TopicPartition(record.topic(), record.partition()))) {
                        handle(record);
                    }
                }
                resumeDecodeRetries();
                finishCatchUps();
                commitEnded(false);
            }
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            log.error("Worker {} stops: its transactional producer can no longer write ({})", config.workerId(),
                e.toString());
        } catch (FencedInstanceIdException e) {
            log.error("Worker {} stops: another worker joined the group with the same id", config.workerId());
        } catch (RuntimeException e) {
            if (running) {
                log.error("Worker {} turn consumer failed", config.workerId(), e);
            }
        } finally {
            abandonAll();
            if (!crashed) {
                commitQuietly();
            }
            // A clean stop leaves the group so the partitions move at once; a crash stays in it like a killed
            // process would, until the same worker id comes back or the session times out.
            consumer.close(crashed
                ? CloseOptions.groupMembershipOperation(GroupMembershipOperation.REMAIN_IN_GROUP).withTimeout(Duration.ZERO)
                : CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(10)));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        long consumed = HopTimes.now();
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        PartitionTurns turns = partitions.get(tp);
        if (turns == null) {
            return; // revoked in this very poll
        }
        LedgerEvent event;
        try {
            event = ledgerSerde.deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            if (DecodeFailures.isTransient(e)) {
                retryDecodeLater(tp, record, e); // a registry outage is not the record's fault: never dead-letter it
                return;
            }
            deadLetter(record, e);
            turns.seen(record.offset());
            return;
        }
        boolean catchingUp = turns.catchingUp();
        turns.seen(record.offset());
        tails.seen(record.partition(), record.offset(), event);
        Object payload = event.getPayload();
        if (payload instanceof UserTurn user) {
            if (!turns.known(event.getTurnId())) {
                TurnHops hops = new TurnHops(HopTimes.get(record.headers(), HopTimes.RECEIVED), consumed,
                    turnSpan(record, event));
                TurnTask task = new TurnTask(record.partition(), record.offset(), event.getSessionId(),
                    event.getTurnId(), user.getText(), user.getContext(), user.getRoute(), user.getSpotlight(),
                    user.getPrincipal(), user.getPersona(), user.getBatch(), user.getGeneration(), catchingUp,
                    producerName, hops, ended -> {
                        this.ended.add(ended);
                        consumer.wakeup();
                    });
                turns.add(task);
                if (!catchingUp) {
                    sessions.enqueue(task);
                }
            }
        } else if (payload instanceof AssistantReply || payload instanceof ReplyFailed
            || payload instanceof ReplyCancelled) {
            turns.terminalSeen(event.getTurnId());
        } else if (payload instanceof CancelRequested) {
            TurnTask task = turns.open(event.getTurnId());
            if (task != null) {
                task.cancel("cancelled by request");
            }
        }
    }

    /** The turn's span on this worker, continuing the trace the gateway put on the UserTurn's headers. */
    private Span turnSpan(ConsumerRecord<String, byte[]> record, LedgerEvent event) {
        return tracer.spanBuilder("turn").setSpanKind(SpanKind.CONSUMER)
            .setParent(Tracing.extract(record.headers()))
            .setAttribute("parley.session_id", event.getSessionId())
            .setAttribute("parley.turn_id", event.getTurnId())
            .setAttribute("messaging.destination.name", record.topic())
            .startSpan();
    }

    /**
     * Partitions that have been read up to their end offset at assignment schedule their unfinished turns. The
     * consumer's position counts what the records do not show: transaction markers, aborted records.
     */
    private void finishCatchUps() {
        for (PartitionTurns turns : partitions.values()) {
            if (turns.catchingUp()) {
                try {
                    turns.positionAt(consumer.position(turns.partition));
                } catch (WakeupException again) {
                    return; // a turn ended or a commit completed meanwhile: the next loop looks again
                }
            }
            if (!turns.catchingUp()) {
                List<TurnTask> pending = turns.finishCatchUp();
                if (!pending.isEmpty()) {
                    log.info("{}: {} unfinished turn(s) taken over", turns.partition, pending.size());
                }
                pending.forEach(sessions::enqueue);
            }
        }
    }

    /**
     * Runs on the consumer thread (via SessionLines): the turn waits for one of the worker's generation slots in a
     * line fair across principals, then the blocking part of starting goes to a starter thread. The slot is given
     * back (or the line left) once the turn has ended in any way.
     */
    private void startLater(TurnTask task) {
        if (task.batch() != null) {
            batcher.offer("batch:" + task.batch().getBatchId(), BatchWindow.EXPLICIT, task.batch().getAgents(), task);
            return;
        }
        BatchWindow window = routeBatchWindow(task);
        if (window != null) {
            batcher.offer("route:" + task.decided().route(), window, Integer.MAX_VALUE, task);
            return;
        }
        startSingle(task);
    }

    /**
     * The batch window of the turn's route, when it has one (the route is decided now, once); else null. A turn with
     * its own generation settings goes alone: one batch call cannot honour each turn's max tokens or stop sequences.
     */
    private BatchWindow routeBatchWindow(TurnTask task) {
        if (!planner.batchesAnyRoute() || task.generation() != null) {
            return null;
        }
        try {
            return planner.route(planner.decide(task)).batch();
        } catch (RuntimeException unknownRoute) {
            return null; // the single path fails the turn with the reason
        }
    }

    private void startSingle(TurnTask task) {
        Bulkhead.Ticket slot = generationSlots.acquire(task.principal(), task.spotlight(), () -> startNow(task));
        task.settled().whenComplete((ignored, error) -> slot.cancel());
    }

    /** The turn has its slot: runs on the thread that freed it, so it only hands the turn to a starter thread. */
    private void startNow(TurnTask task) {
        generating.incrementAndGet();
        task.settled().whenComplete((ignored, error) -> generating.decrementAndGet());
        try {
            starters.execute(() -> {
                int attempt = task.recovered() ? earlierAttempts.highest(task) + 1 : 1;
                task.start(attempt, this::chunkStream, () -> planner.plan(task));
            });
        } catch (RejectedExecutionException stopping) {
            // the worker is stopping: the turn stays open, and the partition's next owner generates it
        }
    }

    /**
     * A group of turns is due (on the consumer thread or the batcher's): like a single turn it waits for one
     * generation slot, then a starter thread plans the batch call and opens it. A route's group of one goes alone.
     */
    private void startBatch(List<TurnTask> tasks) {
        if (tasks.size() == 1 && tasks.get(0).batch() == null) {
            startSingle(tasks.get(0));
            return;
        }
        TurnTask first = tasks.get(0);
        boolean spotlight = tasks.stream().anyMatch(TurnTask::spotlight);
        Bulkhead.Ticket slot = generationSlots.acquire(first.principal(), spotlight, () -> startBatchNow(tasks));
        CompletableFuture.allOf(tasks.stream().map(TurnTask::settled).toArray(CompletableFuture[]::new))
            .whenComplete((ignored, error) -> slot.cancel());
    }

    private void startBatchNow(List<TurnTask> tasks) {
        for (TurnTask task : tasks) {
            generating.incrementAndGet();
            task.settled().whenComplete((ignored, error) -> generating.decrementAndGet());
        }
        try {
            starters.execute(() -> {
                int[] attempts = tasks.stream()
                    .mapToInt(task -> task.recovered() ? earlierAttempts.highest(task) + 1 : 1).toArray();
                BatchPlan plan;
                try {
                    plan = planner.planBatch(tasks);
                } catch (RuntimeException e) {
                    for (int i = 0; i < tasks.size(); i++) {
                        tasks.get(i).start(attempts[i], this::chunkStream, () -> {
                            throw e;
                        });
                    }
                    return;
                }
                new BatchCall(plan, this::startAlone).start(attempts, this::chunkStream);
            });
        } catch (RejectedExecutionException stopping) {
            // the worker is stopping: the turns stay open, and their partitions' next owners generate them
        }
    }

    /** A turn its batch call gave no valid answer starts again alone, as a single turn, still in its batch's slot. */
    private void startAlone(TurnTask task, int attempt) {
        try {
            starters.execute(() -> task.start(attempt, this::chunkStream, () -> planner.plan(task)));
        } catch (RejectedExecutionException stopping) {
            // the worker is stopping: the turn stays open, and its partition's next owner generates it
        }
    }

    private ChunkStream chunkStream(TurnTask task) {
        return new ChunkStream(clients.tokenProducer, vertx, task.partition(), task.sessionId(), task.turnId(),
            task.attempt(), task.hops(), metrics, config.tokenCoalesce(),
            error -> task.fail("could not write tokens to Kafka: " + error.getMessage()));
    }

    /**
     * Writes the terminal events of turns that ended, pending dead letters and the committable offsets in one
     * transaction on the committer thread, then starts each session's next turn. One transaction is in flight at a
     * time: what ends meanwhile goes into the next one. With nothing ended, offsets alone are committed now and
     * then, so records that start no turn (sessions, cancels) do not sit uncommitted. {@code force} waits for
     * everything to be committed (before a revocation, at a clean stop).
     */
    private void commitEnded(boolean force) {
        if (inFlight != null) {
            if (!force && !inFlight.isDone()) {
                return; // its completion wakes the poll
            }
            applied(inFlight.join());
            inFlight = null;
        }
        LedgerCommitter.Batch batch = nextBatch(force);
        if (batch == null) {
            return;
        }
        inFlight = committer.commit(batch);
        if (force) {
            applied(inFlight.join());
            inFlight = null;
        } else {
            inFlight.whenComplete((result, error) -> consumer.wakeup());
        }
    }

    /** The ended turns still ours, pending dead letters and the committable offsets; null when nothing is due. */
    private LedgerCommitter.Batch nextBatch(boolean force) {
        List<TurnTask> done = new ArrayList<>();
        for (TurnTask task; (task = ended.poll()) != null; ) {
            PartitionTurns turns = partitions.get(new TopicPartition(Topics.LEDGER.name(), task.partition()));
            if (turns != null && turns.open(task.turnId()) == task) {
                turns.remove(task);
                done.add(task);
            }
        }
        boolean offsetsDue = partitions.values().stream().anyMatch(PartitionTurns::needsCommit)
            && (force || System.nanoTime() - lastCommitNanos > OFFSET_ONLY_COMMIT_INTERVAL.toNanos());
        if (done.isEmpty() && deadLetters.isEmpty() && !offsetsDue) {
            return null;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((tp, turns) -> offsets.put(tp, new OffsetAndMetadata(turns.committable())));
        List<ProducerRecord<String, byte[]>> letters = List.copyOf(deadLetters);
        deadLetters.clear();
        return new LedgerCommitter.Batch(done, letters, offsets, consumer.groupMetadata());
    }

    /** Takes a transaction's outcome on the consumer thread: starts sessions' next turns, or retries. */
    private void applied(LedgerCommitter.Result result) {
        LedgerCommitter.Batch batch = result.batch();
        if (result.fatal()) {
            throw result.failure();
        }
        if (!result.committed()) {
            // Most often the group moved on (a rebalance): those partitions are no longer ours to commit.
            log.warn("Transaction aborted, {} terminal event(s) not written yet: {}", batch.done().size(),
                result.failure().toString());
            for (TurnTask task : batch.done()) {
                PartitionTurns turns = partitions.get(new TopicPartition(Topics.LEDGER.name(), task.partition()));
                if (turns != null) { // still ours: try again with the next commit
                    turns.restore(task);
                    ended.add(task);
                }
            }
            deadLetters.addAll(0, batch.deadLetters());
            return;
        }
        lastCommitNanos = System.nanoTime();
        for (int i = 0; i < batch.done().size(); i++) {
            batch.done().get(i).recordedAt(result.recordedAt().get(i));
        }
        batch.offsets().forEach((tp, offset) -> {
            PartitionTurns turns = partitions.get(tp);
            if (turns != null) {
                turns.committed(offset.offset());
            }
        });
        for (TurnTask task : batch.done()) {
            String outcome = TurnMetrics.outcomeOf(task.terminalEvent());
            metrics.ended(outcome);
            metrics.personaCalls(task.terminalEvent());
            task.hops().ended(outcome);
            tails.seen(task.partition(), task.recordedAt(), task.terminalEvent()); // before the consumer reads it back
            sessions.finished(task);
        }
    }

    /**
     * Rewinds the partition to the record and pauses it for {@link #DECODE_RETRY}: its later records wait too (a
     * session's turns stay in order), other partitions go on, and the consumer keeps polling, so the worker stays
     * in its group through a registry outage of any length.
     */
    private void retryDecodeLater(TopicPartition tp, ConsumerRecord<String, byte[]> record, RuntimeException error) {
        log.warn("Worker {}: cannot decode {}-{}@{} yet, retrying in {} ms: {}", config.workerId(), record.topic(),
            record.partition(), record.offset(), DECODE_RETRY.toMillis(), error.getMessage());
        consumer.seek(tp, record.offset());
        consumer.pause(List.of(tp));
        decodeRetryAt.put(tp, System.nanoTime() + DECODE_RETRY.toNanos());
    }

    private void resumeDecodeRetries() {
        long now = System.nanoTime();
        List<TopicPartition> due = decodeRetryAt.entrySet().stream().filter(e -> e.getValue() - now <= 0)
            .map(Map.Entry::getKey).toList();
        for (TopicPartition tp : due) {
            decodeRetryAt.remove(tp);
            if (consumer.assignment().contains(tp)) {
                consumer.resume(List.of(tp));
            }
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, RuntimeException error) {
        log.warn("Dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), error.getMessage());
        DeadLetter letter = DeadLetters.of(record.topic(), record.partition(), record.offset(), record.key(),
            record.value(), error.getMessage(), error, config.groupId(), Instant.now());
        deadLetters.add(new ProducerRecord<>(Topics.DLQ.name(), record.key(),
            clients.deadLetterSerde.serializer().serialize(Topics.DLQ.name(), letter)));
    }

    private void abandonAll() {
        partitions.values().forEach(turns -> turns.openTurns().forEach(TurnTask::abandon));
        partitions.clear();
    }

    private void commitQuietly() {
        try {
            commitEnded(true);
        } catch (RuntimeException e) {
            log.warn("Final commit failed: {}", e.toString());
        }
    }

    /** Stops consuming; turns still streaming are abandoned and regenerated by the partition's next owner. */
    @Override
    public void close() {
        stop(false);
    }

    /** Stops like a process that died: nothing more is written or committed (for fail-over tests). */
    public void crash() {
        stop(true);
    }

    private void stop(boolean crash) {
        if (!running) {
            return;
        }
        crashed = crash;
        running = false;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        starters.shutdownNow();
        batcher.close();
        if (crash) {
            clients.closeNow();
        }
    }

    /** Commits what has ended before partitions go, and abandons the turns still running on them. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            try {
                commitEnded(true);
            } catch (KafkaException e) {
                log.warn("Commit before revocation failed: {}", e.toString());
            }
            drop(revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            drop(lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (assigned.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> ends = untilAnswered("the end offsets of " + assigned,
                () -> consumer.endOffsets(assigned, LOOKUP_TIMEOUT));
            for (TopicPartition tp : assigned) {
                // read_committed: the end is the last stable offset. A turn behind a transaction that a dead
                // worker left open is read after the catch-up, but that worker could not read it either.
                long position = untilAnswered("the committed position of " + tp,
                    () -> consumer.position(tp, LOOKUP_TIMEOUT));
                partitions.put(tp, new PartitionTurns(tp, position, ends.get(tp)));
                tails.assigned(tp.partition(), position);
            }
            log.info("Worker {} assigned {}", config.workerId(), assigned);
            publishAssignment();
        }

        /**
         * Asks again while the broker cannot answer yet, instead of letting the consumer thread die with a running
         * process that is never ready. Seen after a SIGKILL of the standalone run: the committed offsets stayed
         * unstable (a dead transaction's offsets not yet settled by the restarted broker) past the 60 s API timeout.
         *
         * <p>Also asks again when a {@code wakeup()} (a turn ended, a commit completed) lands during the lookup. Let
         * through, the WakeupException left this callback before the partitions were recorded, and Kafka does not
         * call it again for them (the consumer already owns them): the worker then held partitions whose turns it
         * never took over, and every session on them stalled after a fail-over (ClusterFailoverIT, under load). The
         * poll this callback runs in returns soon anyway, and the loop then does what the wakeup asked for.
         */
        private <T> T untilAnswered(String what, java.util.function.Supplier<T> lookup) {
            for (int attempt = 1; ; attempt++) {
                try {
                    return lookup.get();
                } catch (WakeupException woken) {
                    if (!running) {
                        throw woken;
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    if (!running) {
                        throw e;
                    }
                    log.warn("Worker {}: {} not known after {} s (attempt {}), asking again: {}", config.workerId(),
                        what, LOOKUP_TIMEOUT.toSeconds(), attempt, e.getMessage());
                }
            }
        }

        private void publishAssignment() {
            TurnConsumer.this.assigned = partitions.keySet().stream().map(TopicPartition::partition)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
            clients.snapshots.follow(TurnConsumer.this.assigned);
        }

        private void drop(Collection<TopicPartition> gone) {
            try {
                dropAll(gone);
            } finally {
                publishAssignment();
            }
        }

        private void dropAll(Collection<TopicPartition> gone) {
            for (TopicPartition tp : gone) {
                decodeRetryAt.remove(tp);
                tails.revoked(tp.partition());
                PartitionTurns turns = partitions.remove(tp);
                if (turns != null) {
                    for (TurnTask task : turns.openTurns()) {
                        task.abandon();
                        sessions.drop(task);
                    }
                }
            }
        }
    }
}
