package dev.parley.ingest.kafka;

import dev.parley.ingest.ApiException;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.utils.Utils;

/** Knows how many partitions the co-partitioned ledger and tokens topics have, and so each session's partition. */
public final class TopicLayout {

    // Learned once from the cluster and kept: Parley never changes a topic's partition count, and
    // an operator who does moves every session to another partition anyway.

    private final Admin admin;
    private final String ledgerTopic;
    private final String tokensTopic;
    private volatile int partitions;

    public TopicLayout(Admin admin, String ledgerTopic, String tokensTopic) {
        this.admin = admin;
        this.ledgerTopic = ledgerTopic;
        this.tokensTopic = tokensTopic;
    }

    /** The partition of {@code sessionId}: Kafka's default partitioner for a String key. */
    public static int partitionFor(String sessionId, int partitions) {
        return Utils.toPositive(Utils.murmur2(sessionId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The session's partition in both topics; fails with 503 not_ready while the topics are missing. */
    public Future<Integer> partitionOf(String sessionId) {
        return partitions().map(count -> partitionFor(sessionId, count));
    }

    /** The partition count of the ledger and tokens topics, fetched on first use. */
    public Future<Integer> partitions() {
        int known = partitions;
        if (known > 0) {
            return Future.succeededFuture(known);
        }
        DescribeTopicsOptions options = new DescribeTopicsOptions().timeoutMs(5_000);
        return OnContext.future(admin.describeTopics(List.of(ledgerTopic, tokensTopic), options).allTopicNames())
                .recover(error -> Future.failedFuture(ApiException.notReady(
                        "topics " + ledgerTopic + " and " + tokensTopic + " are not available: " + error.getMessage())))
                .compose(this::remember);
    }

    private Future<Integer> remember(Map<String, TopicDescription> descriptions) {
        int ledger = descriptions.get(ledgerTopic).partitions().size();
        int tokens = descriptions.get(tokensTopic).partitions().size();
        if (ledger != tokens) {
            return Future.failedFuture(ApiException.notReady(ledgerTopic + " has " + ledger + " partitions but "
                    + tokensTopic + " has " + tokens + ": they must be co-partitioned"));
        }
        partitions = ledger;
        return Future.succeededFuture(ledger);
    }
}
