package dev.parley.ingest.health;

import dev.parley.ingest.kafka.OnContext;
import dev.parley.schemas.topics.TopicSpec;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Ready means a turn posted now would be generated: Kafka answers, every catalogue topic exists, every ledger
 * partition has a leader (the gateway can write it) and workers hold every ledger partition.
 */
public final class ReadinessCheck {

    // Nothing is cached: each check asks Kafka again, so readiness never lags behind a worker leaving.

    /** How long one admin call may take before the check says Kafka does not answer. */
    static final int ADMIN_TIMEOUT_MS = 5_000;

    /**
     * The answer: ready, or why not.
     *
     * @param reason what failed, empty when ready
     * @param checks what was checked, in order, each with its result ("ok", counts, or the failure)
     */
    public record Readiness(boolean ready, String reason, Map<String, String> checks) {

        public Readiness {
            checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
        }
    }

    private final Admin admin;
    private final List<String> requiredTopics;
    private final String ledgerTopic;
    private final WorkerPresence workers;

    public ReadinessCheck(Admin admin, Collection<? extends TopicSpec<?>> requiredTopics, String ledgerTopic,
                          WorkerPresence workers) {
        this.admin = admin;
        this.requiredTopics = requiredTopics.stream().map(TopicSpec::name).toList();
        this.ledgerTopic = ledgerTopic;
        this.workers = workers;
    }

    /** Runs the checks in order and stops at the first that fails; never fails itself. */
    public Future<Readiness> check() {
        Checks checks = new Checks();
        return OnContext.future(admin.listTopics(new ListTopicsOptions().timeoutMs(ADMIN_TIMEOUT_MS)).names())
                .transform(listed -> topics(checks, listed));
    }

    private Future<Readiness> topics(Checks checks, AsyncResult<Set<String>> listed) {
        if (listed.failed()) {
            return checks.fail("kafka", "Kafka does not answer: " + messageOf(listed.cause()));
        }
        checks.pass("kafka", "ok");
        List<String> missing = requiredTopics.stream().filter(name -> !listed.result().contains(name)).toList();
        if (!missing.isEmpty()) {
            return checks.fail("topics", "missing topics: " + String.join(", ", missing));
        }
        checks.pass("topics", "ok");
        DescribeTopicsOptions options = new DescribeTopicsOptions().timeoutMs(ADMIN_TIMEOUT_MS);
        return OnContext.future(admin.describeTopics(List.of(ledgerTopic), options).allTopicNames())
                .transform(described -> ledger(checks, described));
    }

    private Future<Readiness> ledger(Checks checks, AsyncResult<Map<String, TopicDescription>> described) {
        if (described.failed()) {
            return checks.fail("ledger", ledgerTopic + " cannot be described: " + messageOf(described.cause()));
        }
        List<TopicPartitionInfo> partitions = described.result().get(ledgerTopic).partitions();
        String leaderless = partitions.stream().filter(partition -> !hasLeader(partition.leader()))
                .map(partition -> String.valueOf(partition.partition())).collect(Collectors.joining(", "));
        if (!leaderless.isEmpty()) {
            return checks.fail("ledger", ledgerTopic + " partitions without a leader (not writable): " + leaderless);
        }
        checks.pass("ledger", partitions.size() + " partitions writable");
        return workers.workers().transform(found -> workers(checks, partitions.size(), found));
    }

    private Future<Readiness> workers(Checks checks, int partitions, AsyncResult<WorkerPresence.Workers> found) {
        if (found.failed()) {
            return checks.fail("workers", "cannot tell which workers hold the ledger: " + messageOf(found.cause()));
        }
        LedgerCoverage coverage = LedgerCoverage.of(partitions, found.result());
        if (!coverage.complete()) {
            return checks.fail("workers", coverage.describe());
        }
        checks.pass("workers", coverage.describe());
        return Future.succeededFuture(new Readiness(true, "", checks.results));
    }

    private static boolean hasLeader(Node leader) {
        return leader != null && !leader.isEmpty();
    }

    private static String messageOf(Throwable error) {
        Throwable cause = OnContext.unwrap(error);
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** The results so far of one run of the checks. */
    private static final class Checks {

        private final Map<String, String> results = new LinkedHashMap<>();

        void pass(String check, String result) {
            results.put(check, result);
        }

        Future<Readiness> fail(String check, String reason) {
            results.put(check, reason);
            return Future.succeededFuture(new Readiness(false, reason, results));
        }
    }
}
