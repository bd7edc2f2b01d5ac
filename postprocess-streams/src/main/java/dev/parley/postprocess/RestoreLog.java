package dev.parley.postprocess;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each store partition restored from its changelog (after a kill, a reset or a move to this instance): the
 * records and the time it took, where an operator sees it without Kafka's own INFO logs.
 */
final class RestoreLog implements StateRestoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreLog.class);

    private final String applicationId;
    private final Map<TopicPartition, Long> startedNanos = new ConcurrentHashMap<>();

    RestoreLog(String applicationId) {
        this.applicationId = applicationId;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        startedNanos.put(partition, System.nanoTime());
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        Long started = startedNanos.remove(partition);
        if (totalRestored > 0) {
            LOG.info("{}: restored store {} partition {} from its changelog, {} records in {} ms", applicationId,
                store, partition.partition(), totalRestored,
                started == null ? "?" : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        startedNanos.remove(partition);
    }
}
