package dev.parley.worker;

import dev.parley.worker.backend.LlmBackend;
import dev.parley.worker.backend.HttpBackend;
import dev.parley.worker.turns.TurnConsumer;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The inference worker: consumes turns from the ledger and streams each reply from the LLM backend. */
public final class InferenceWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InferenceWorker.class);

    private final TurnConsumer turns;

    private InferenceWorker(TurnConsumer turns) {
        this.turns = turns;
    }

    /** Starts with the HTTP backend of the config; does not close the given Vert.x. */
    public static InferenceWorker start(Vertx vertx, WorkerConfig config) {
        return start(vertx, config, HttpBackend.create(vertx, config.backend()));
    }

    public static InferenceWorker start(Vertx vertx, WorkerConfig config, LlmBackend backend) {
        TurnConsumer turns = new TurnConsumer(config, backend, vertx);
        turns.start();
        log.info("Inference worker {} started (group {}, backend {}, model {})", config.workerId(), config.groupId(),
            config.backend().baseUrl(), config.backend().model());
        return new InferenceWorker(turns);
    }

    /** The ledger partitions this worker owns right now. */
    public java.util.Set<Integer> assignedPartitions() {
        return turns.assignedPartitions();
    }

    /** Generations streaming right now. */
    public long snapshotOffset(String sessionId) {
        return turns.snapshotOffset(sessionId);
    }

    public int generating() {
        return turns.generating();
    }

    /** Stops like a process that died, writing and committing nothing more (for fail-over tests). */
    public void crash() {
        turns.crash();
    }

    @Override
    public void close() {
        turns.close();
    }
}
