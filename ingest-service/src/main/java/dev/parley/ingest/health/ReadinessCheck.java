package dev.parley.ingest.kafka;

import dev.parley.schemas.topics.TopicSpec;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;

/** Ready means Kafka answers and every catalogue topic exists. */
public final class ReadinessCheck {

    /** The answer: ready, or why not. */
    public record Readiness(boolean ready, String reason) {
    }

    private final Admin admin;
    private final List<String> requiredTopics;

    public ReadinessCheck(Admin admin, Collection<? extends TopicSpec<?>> requiredTopics) {
        this.admin = admin;
        this.requiredTopics = requiredTopics.stream().map(TopicSpec::name).toList();
    }

    public Future<Readiness> check() {
        ListTopicsOptions options = new ListTopicsOptions().timeoutMs(5_000);
        return OnContext.future(admin.listTopics(options).names())
                .map(this::missingTopics)
                .otherwise(error -> new Readiness(false, "Kafka does not answer: " + error.getMessage()));
    }

    private Readiness missingTopics(Set<String> existing) {
        List<String> missing = requiredTopics.stream().filter(name -> !existing.contains(name)).toList();
        return missing.isEmpty()
                ? new Readiness(true, "")
                : new Readiness(false, "missing topics: " + String.join(", ", missing));
    }
}
