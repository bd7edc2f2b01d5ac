package dev.parley.ingest.health;

import io.vertx.core.Future;
import java.util.Set;
import java.util.function.Supplier;

/** The worker in this JVM: what its consumer was assigned at its last rebalance. */
final class LocalWorkerPresence implements WorkerPresence {

    private final Supplier<Set<Integer>> assignedPartitions;

    LocalWorkerPresence(Supplier<Set<Integer>> assignedPartitions) {
        this.assignedPartitions = assignedPartitions;
    }

    @Override
    public Future<Workers> workers() {
        return Future.succeededFuture(new Workers("this process", 1, assignedPartitions.get(), ""));
    }
}
