package dev.parley.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HangingTransactionsTest {

    private static final TopicPartition LEDGER = new TopicPartition("parley.ledger.v1", 3);
    private static final TopicPartition OFFSETS = new TopicPartition("__consumer_offsets", 7);

    @Test
    @DisplayName("a transaction killed mid-commit (prepared to commit, the partition in it) is not hanging: "
        + "its coordinator commits it")
    void preparedCommitIsTheCoordinators() {
        assertFalse(HangingTransactions.hanging(LEDGER, 42, List.of(transaction(42, TransactionState.PREPARE_COMMIT,
            LEDGER, OFFSETS))));
        assertFalse(HangingTransactions.hanging(LEDGER, 42, List.of(transaction(42, TransactionState.ONGOING,
            LEDGER))));
        assertFalse(HangingTransactions.hanging(LEDGER, 42, List.of(transaction(42, TransactionState.PREPARE_ABORT,
            LEDGER))));
    }

    @Test
    @DisplayName("an open transaction in a partition that no coordinator's open transaction includes is hanging")
    void untrackedIsHanging() {
        assertTrue(HangingTransactions.hanging(LEDGER, 42, List.of()), "the coordinator does not know the producer");
        assertTrue(HangingTransactions.hanging(LEDGER, 42, List.of(transaction(42, TransactionState.ONGOING,
            OFFSETS))), "the coordinator never recorded this partition");
        assertTrue(HangingTransactions.hanging(LEDGER, 42, List.of(transaction(42, TransactionState.COMPLETE_COMMIT,
            LEDGER))), "the coordinator has ended it, yet the partition is still open");
        assertTrue(HangingTransactions.hanging(LEDGER, 42, List.of(transaction(7, TransactionState.ONGOING,
            LEDGER))), "another producer's transaction");
    }

    private static TransactionDescription transaction(long producerId, TransactionState state,
                                                      TopicPartition... partitions) {
        return new TransactionDescription(1, state, producerId, 0, 10_000, OptionalLong.of(0), Set.of(partitions));
    }
}
