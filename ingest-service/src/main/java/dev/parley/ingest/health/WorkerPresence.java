package dev.parley.ingest.health;

import io.vertx.core.Future;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;

/** Who would generate a turn posted now: the inference workers and the ledger partitions they hold. */
public interface WorkerPresence {

    /** What the workers hold right now; completes on the caller's Vert.x context and never blocks it. */
    Future<Workers> workers();

    /** The members of a cluster's worker group and their assignments, asked through the gateway's admin client. */
    static WorkerPresence inGroup(Admin admin, String groupId, String ledgerTopic) {
        return new GroupWorkerPresence(admin, groupId, ledgerTopic);
    }

    /** The worker running in this JVM (the all-in-one process), e.g. {@code worker::assignedPartitions}. */
    static WorkerPresence local(Supplier<Set<Integer>> assignedPartitions) {
        return new LocalWorkerPresence(assignedPartitions);
    }

    /**
     * The workers found.
     *
     * @param where  where they were looked for, for messages: {@code group parley-inference-worker}, {@code this process}
     * @param count  how many workers are there, whether or not they hold a partition
     * @param held   the ledger partitions some worker holds
     * @param note   why the assignments may be incomplete right now (e.g. a rebalance in progress), or empty
     */
    record Workers(String where, int count, Set<Integer> held, String note) {

        public Workers {
            held = Set.copyOf(held);
        }
    }
}
