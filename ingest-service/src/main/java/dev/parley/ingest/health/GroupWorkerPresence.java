package dev.parley.ingest.health;

import dev.parley.ingest.kafka.OnContext;
import io.vertx.core.Future;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** The workers of a cluster: the members of their consumer group and the ledger partitions assigned to them. */
final class GroupWorkerPresence implements WorkerPresence {

    private final Admin admin;
    private final String groupId;
    private final String ledgerTopic;

    GroupWorkerPresence(Admin admin, String groupId, String ledgerTopic) {
        this.admin = admin;
        this.groupId = groupId;
        this.ledgerTopic = ledgerTopic;
    }

    @Override
    public Future<Workers> workers() {
        DescribeConsumerGroupsOptions options = new DescribeConsumerGroupsOptions()
                .timeoutMs(ReadinessCheck.ADMIN_TIMEOUT_MS);
        return OnContext.future(admin.describeConsumerGroups(Set.of(groupId), options).describedGroups().get(groupId))
                .map(this::workers)
                // newer brokers answer GROUP_ID_NOT_FOUND for a group nobody ever joined, older ones an empty group
                .recover(error -> error instanceof GroupIdNotFoundException
                        ? Future.succeededFuture(new Workers(where(), 0, Set.of(), ""))
                        : Future.failedFuture(error));
    }

    private Workers workers(ConsumerGroupDescription group) {
        Set<Integer> held = group.members().stream()
                .flatMap(member -> member.assignment().topicPartitions().stream())
                .filter(partition -> partition.topic().equals(ledgerTopic))
                .map(TopicPartition::partition)
                .collect(Collectors.toSet());
        int members = group.members().size();
        // a classic group reports no assignments while it rebalances: say so rather than look abandoned
        String note = members > 0 && group.groupState() != GroupState.STABLE ? "group state " + group.groupState() : "";
        return new Workers(where(), members, held, note);
    }

    private String where() {
        return "group " + groupId;
    }
}
