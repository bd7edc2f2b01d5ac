package dev.parley.ingest.health;

import dev.parley.ingest.health.WorkerPresence.Workers;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Whether the workers hold every ledger partition, i.e. whether every turn written now gets generated.
 *
 * @param partitions how many partitions the ledger has
 * @param workers    what the workers hold
 * @param unassigned the ledger partitions no worker holds, ascending
 */
public record LedgerCoverage(int partitions, Workers workers, List<Integer> unassigned) {

    public LedgerCoverage {
        unassigned = List.copyOf(unassigned);
    }

    public static LedgerCoverage of(int partitions, Workers workers) {
        List<Integer> unassigned = IntStream.range(0, partitions).filter(p -> !workers.held().contains(p))
                .boxed().toList();
        return new LedgerCoverage(partitions, workers, unassigned);
    }

    /** At least one worker, and every partition held. */
    public boolean complete() {
        return workers.count() > 0 && unassigned.isEmpty();
    }

    /** What was found, for the readiness body: the good news, or which partitions nobody holds and why. */
    public String describe() {
        if (complete()) {
            return partitions + " of " + partitions + " ledger partitions held by " + workers.count() + " worker(s)";
        }
        String missing = "ledger partitions unassigned: " + unassigned.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + " (of " + partitions + ")";
        if (workers.count() == 0) {
            return "no worker is in " + workers.where() + "; " + missing;
        }
        return missing + "; " + workers.count() + " worker(s) in " + workers.where()
                + (workers.note().isEmpty() ? "" : ", " + workers.note());
    }
}
