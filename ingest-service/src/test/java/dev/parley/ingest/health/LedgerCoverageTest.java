package dev.parley.ingest.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.health.WorkerPresence.Workers;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Ledger coverage: complete only when at least one worker holds every ledger partition")
class LedgerCoverageTest {

    private static final String GROUP = "group parley-inference-worker";

    @Test
    @DisplayName("workers holding every partition between them cover the ledger")
    void everyPartitionHeld() {
        LedgerCoverage coverage = LedgerCoverage.of(3, new Workers(GROUP, 2, Set.of(0, 1, 2), ""));

        assertTrue(coverage.complete());
        assertEquals(List.of(), coverage.unassigned());
        assertEquals("3 of 3 ledger partitions held by 2 worker(s)", coverage.describe());
    }

    @Test
    @DisplayName("the partitions nobody holds are named in ascending order, with the workers that are there")
    void somePartitionsUnassigned() {
        LedgerCoverage coverage = LedgerCoverage.of(6, new Workers(GROUP, 1, Set.of(4, 1, 3), ""));

        assertFalse(coverage.complete());
        assertEquals(List.of(0, 2, 5), coverage.unassigned());
        assertEquals("ledger partitions unassigned: 0, 2, 5 (of 6); 1 worker(s) in group parley-inference-worker",
                coverage.describe());
    }

    @Test
    @DisplayName("an empty group is not ready and says no worker is in it")
    void noWorker() {
        LedgerCoverage coverage = LedgerCoverage.of(2, new Workers(GROUP, 0, Set.of(), ""));

        assertFalse(coverage.complete());
        assertEquals("no worker is in group parley-inference-worker; ledger partitions unassigned: 0, 1 (of 2)",
                coverage.describe());
    }

    @Test
    @DisplayName("a group that is rebalancing says so beside the partitions it does not hold")
    void rebalancing() {
        LedgerCoverage coverage = LedgerCoverage.of(2, new Workers(GROUP, 2, Set.of(), "group state PreparingRebalance"));

        assertFalse(coverage.complete());
        assertEquals("ledger partitions unassigned: 0, 1 (of 2); 2 worker(s) in group parley-inference-worker, "
                + "group state PreparingRebalance", coverage.describe());
    }

    @Test
    @DisplayName("partitions outside the ledger's range (a stale assignment) do not count as held")
    void stalePartitionsIgnored() {
        LedgerCoverage coverage = LedgerCoverage.of(2, new Workers("this process", 1, Set.of(1, 7), ""));

        assertEquals(List.of(0), coverage.unassigned());
        assertFalse(coverage.complete());
    }
}
