package dev.parley.postprocess;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Kafka's {@code kafka-streams-application-reset} tool does for this application, run at start behind the
 * explicit reset flag: forget the committed input offsets and delete the internal changelog topics, so that with
 * the local state also wiped ({@code KafkaStreams.cleanUp()}) everything is rebuilt from the ledger's first record.
 * (The tool itself lives in {@code kafka-tools}, with a CLI's worth of dependencies for these two Admin calls.)
 */
final class StreamsReset {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsReset.class);

    private StreamsReset() {
    }

    /**
     * Resets {@code applicationId}.
     *
     * @throws IllegalStateException when an instance of the application is still running
     */
    static void run(Map<String, Object> adminConfig, String applicationId) {
        try (Admin admin = Admin.create(adminConfig)) {
            try {
                admin.deleteConsumerGroups(List.of(applicationId)).all().get();
                LOG.info("Reset: deleted the committed offsets of {}", applicationId);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupNotEmptyException) {
                    throw new IllegalStateException("cannot reset " + applicationId
                        + ": an instance is still running; stop every instance first", e.getCause());
                }
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw new IllegalStateException("cannot reset " + applicationId + ": " + e.getCause(), e.getCause());
                }
            }
            List<String> internal = admin.listTopics().names().get().stream()
                .filter(name -> name.startsWith(applicationId + "-"))
                .filter(name -> name.endsWith("-changelog") || name.endsWith("-repartition"))
                .sorted().toList();
            if (!internal.isEmpty()) {
                admin.deleteTopics(internal).all().get();
                LOG.info("Reset: deleted internal topics {}", internal);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resetting " + applicationId, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot reset " + applicationId + ": " + e.getCause(), e.getCause());
        }
    }
}
