package dev.parley.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates missing catalogue topics, waits until they are ready, and reports settings that conflict. */
public final class TopicInitializer {

    // Idempotent and safe to run concurrently at every start of every service. It never alters an
    // existing topic: more partitions would move keys to other partitions, an operator's call.
    // Replication follows the broker's default.replication.factor unless TopicSettings names one.

    /** How long {@link #ensure} waits for the cluster, in total. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(TopicInitializer.class);
    private static final long FIRST_BACKOFF_MS = 20;
    private static final long MAX_BACKOFF_MS = 500;

    private final Admin admin;
    private final Duration timeout;

    /** Uses {@code admin}, which the caller keeps owning and closing. */
    public TopicInitializer(Admin admin) {
        this(admin, DEFAULT_TIMEOUT);
    }

    public TopicInitializer(Admin admin, Duration timeout) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Runs {@link #ensure(Collection)} with a short-lived Admin client built from {@code adminConfig}. */
    public static Set<String> ensure(Map<String, Object> adminConfig, Collection<? extends TopicSpec<?>> specs) {
        try (Admin admin = Admin.create(adminConfig)) {
            return new TopicInitializer(admin).ensure(specs);
        }
    }

    /** Runs {@link #ensure(TopicSettings, Collection)} with a short-lived Admin client built from {@code adminConfig}. */
    public static Set<String> ensure(Map<String, Object> adminConfig, TopicSettings settings,
                                     Collection<? extends TopicSpec<?>> specs) {
        try (Admin admin = Admin.create(adminConfig)) {
            return new TopicInitializer(admin).ensure(settings, specs);
        }
    }

    /** Runs {@link #check(TopicSettings, Collection)} with a short-lived Admin client built from {@code adminConfig}. */
    public static TopicReport check(Map<String, Object> adminConfig, TopicSettings settings,
                                    Collection<? extends TopicSpec<?>> specs) {
        try (Admin admin = Admin.create(adminConfig)) {
            return new TopicInitializer(admin).check(settings, specs);
        }
    }

    /**
     * What a service runs at start: checks, without creating anything, that the topics it uses exist with the
     * expected settings.
     *
     * @throws IllegalStateException in one line naming every missing topic and conflicting setting
     */
    public static void requireReady(Map<String, Object> adminConfig, TopicSettings settings,
                                    Collection<? extends TopicSpec<?>> specs) {
        TopicReport report = check(adminConfig, settings, specs);
        if (!report.missing().isEmpty()) {
            throw new IllegalStateException(report.describe() + " (run ./parley topics to create them)");
        }
        if (!report.ok()) {
            throw new IllegalStateException(report.describe() + " (./parley topics --check lists them all)");
        }
    }

    /**
     * Makes sure every topic in {@code specs} exists with its settings and is ready.
     *
     * @return the names of the topics this call created (empty when all existed)
     * @throws TopicConflictException naming every topic and setting that differs from its spec
     * @throws IllegalArgumentException when co-partitioned specs disagree on the partition count
     * @throws TimeoutException when the cluster does not answer or the topics get no leader in time
     */
    public Set<String> ensure(Collection<? extends TopicSpec<?>> specs) {
        return ensure(specs, true, TopicSettings.catalogue());
    }

    /**
     * Like {@link #ensure(Collection)} for a deployment's {@code settings}: missing topics are created with its
     * partitions (else the spec's) and replication (else the broker's default), and {@code min.insync.replicas}
     * when it has more than one replica; existing ones are checked against them ({@link TopicReport#compare}).
     */
    public Set<String> ensure(TopicSettings settings, Collection<? extends TopicSpec<?>> specs) {
        return ensure(settings.apply(specs), settings.partitions().isPresent(), settings);
    }

    private Set<String> ensure(Collection<? extends TopicSpec<?>> specs, boolean exactPartitions,
                               TopicSettings settings) {
        Map<String, TopicSpec<?>> byName = byName(specs);
        Topics.requireCoPartitioned(specs);
        long deadline = System.nanoTime() + timeout.toNanos();

        Set<String> existing = await(admin.listTopics().names(), deadline, "list topics");
        List<TopicSpec<?>> missing = byName.values().stream().filter(s -> !existing.contains(s.name())).toList();
        Set<String> created = create(missing, settings, deadline);

        Map<String, TopicDescription> descriptions = awaitReady(byName.keySet(), deadline);
        TopicReport report = TopicReport.compare(byName.values(), observe(descriptions, deadline), exactPartitions,
                settings);
        if (!report.ok()) {
            throw new TopicConflictException(report.conflicts());
        }
        log.info("Topics ready: {} ({} created)", byName.keySet(), created.size());
        return created;
    }

    /**
     * Compares the cluster's topics with {@code specs} under {@code settings}, creating nothing and not waiting for
     * leaders: what a service checks at start, and {@code ./parley topics --check}.
     */
    public TopicReport check(TopicSettings settings, Collection<? extends TopicSpec<?>> specs) {
        Map<String, TopicSpec<?>> byName = byName(settings.apply(specs));
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> existing = await(admin.listTopics().names(), deadline, "list topics");
        Set<String> present = byName.keySet().stream().filter(existing::contains)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        Map<String, ObservedTopic> observed = present.isEmpty() ? Map.of()
                : observe(await(admin.describeTopics(present).allTopicNames(), deadline, "describe topics"), deadline);
        return TopicReport.compare(byName.values(), observed, settings.partitions().isPresent(), settings);
    }

    private Set<String> create(List<TopicSpec<?>> missing, TopicSettings settings, long deadline) {
        if (missing.isEmpty()) {
            return Set.of();
        }
        CreateTopicsResult result = admin.createTopics(missing.stream().map(spec -> newTopic(spec, settings)).toList());
        Set<String> created = new LinkedHashSet<>();
        for (TopicSpec<?> spec : missing) {
            try {
                await(result.values().get(spec.name()), deadline, "create topic " + spec.name());
                created.add(spec.name());
                log.info("Created topic {}: {} partitions, replication {}, {}", spec.name(), spec.partitions(),
                        settings.replicationFactor().isPresent() ? settings.replicationFactor().getAsInt()
                                : "the broker's default", spec.topicConfigs());
            } catch (KafkaException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // another instance created it between our list and create: fine, its settings are checked below
                log.info("Topic {} was created concurrently by another client", spec.name());
            }
        }
        return created;
    }

    private static NewTopic newTopic(TopicSpec<?> spec, TopicSettings settings) {
        Map<String, String> configs = new LinkedHashMap<>(spec.topicConfigs());
        settings.minInsyncReplicas().ifPresent(n -> configs.put(TopicSettings.MIN_INSYNC_REPLICAS, Integer.toString(n)));
        Optional<Short> replication = settings.replicationFactor().isPresent()
                ? Optional.of((short) settings.replicationFactor().getAsInt()) : Optional.empty();
        return new NewTopic(spec.name(), Optional.of(spec.partitions()), replication).configs(configs);
    }

    /**
     * Polls describeTopics until every partition has a leader. Admin has no readiness callback,
     * and right after creation brokers may still answer UnknownTopicOrPartition; the retries are
     * scheduled on a delayed executor rather than by blocking a thread in a sleep loop.
     */
    private Map<String, TopicDescription> awaitReady(Set<String> names, long deadline) {
        CompletableFuture<Map<String, TopicDescription>> ready = new CompletableFuture<>();
        pollReadiness(names, ready, deadline, FIRST_BACKOFF_MS);
        try {
            // the poller itself gives up at the deadline; the extra second only covers its last answer
            return ready.get(remainingNanos(deadline) + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw asKafkaException("wait for topics " + names, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            ready.cancel(false);
            throw new TimeoutException("topics " + names + " not ready within " + timeout);
        } catch (InterruptedException e) {
            ready.cancel(false);
            throw new InterruptException(e);
        }
    }

    private void pollReadiness(Set<String> names, CompletableFuture<Map<String, TopicDescription>> ready,
                               long deadline, long backoffMs) {
        if (ready.isDone()) {
            return;
        }
        admin.describeTopics(names).allTopicNames().whenComplete((descriptions, error) -> {
            Throwable failure = unwrap(error);
            if (failure != null && !(failure instanceof RetriableException)) {
                ready.completeExceptionally(failure);
                return;
            }
            String notReady = failure != null ? failure.getMessage() : leaderless(descriptions);
            if (notReady == null) {
                ready.complete(descriptions);
            } else if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) >= deadline) {
                ready.completeExceptionally(
                        new TimeoutException("topics not ready within " + timeout + ": " + notReady));
            } else {
                log.debug("Topics not ready yet ({}), asking again in {} ms", notReady, backoffMs);
                CompletableFuture.delayedExecutor(backoffMs, TimeUnit.MILLISECONDS).execute(() ->
                        pollReadiness(names, ready, deadline, Math.min(backoffMs * 2, MAX_BACKOFF_MS)));
            }
        });
    }

    private static String leaderless(Map<String, TopicDescription> descriptions) {
        List<String> missing = new ArrayList<>();
        for (TopicDescription description : descriptions.values()) {
            for (TopicPartitionInfo partition : description.partitions()) {
                if (partition.leader() == null || partition.leader().isEmpty()) {
                    missing.add(description.name() + "-" + partition.partition());
                }
            }
        }
        return missing.isEmpty() ? null : "no leader yet for " + missing;
    }

    /** The partitions, replication and relevant configs of the described topics. */
    private Map<String, ObservedTopic> observe(Map<String, TopicDescription> descriptions, long deadline) {
        List<ConfigResource> resources = descriptions.keySet().stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(resources).all(), deadline,
                "describe topic configs");
        Map<String, ObservedTopic> observed = new LinkedHashMap<>();
        for (TopicDescription description : descriptions.values()) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, description.name()));
            Map<String, String> values = new LinkedHashMap<>();
            for (String name : List.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.RETENTION_MS_CONFIG,
                    TopicSettings.MIN_INSYNC_REPLICAS)) {
                ConfigEntry entry = config == null ? null : config.get(name);
                if (entry != null && entry.value() != null) {
                    values.put(name, entry.value());
                }
            }
            int replication = description.partitions().stream().mapToInt(p -> p.replicas().size()).max().orElse(0);
            observed.put(description.name(), new ObservedTopic(description.name(), description.partitions().size(),
                    replication, values));
        }
        return observed;
    }

    private static Map<String, TopicSpec<?>> byName(Collection<? extends TopicSpec<?>> specs) {
        Map<String, TopicSpec<?>> byName = new LinkedHashMap<>();
        Set<String> duplicates = new HashSet<>();
        for (TopicSpec<?> spec : specs) {
            if (byName.put(spec.name(), spec) != null) {
                duplicates.add(spec.name());
            }
        }
        if (!duplicates.isEmpty()) {
            throw new IllegalArgumentException("topics listed more than once: " + duplicates);
        }
        return byName;
    }

    private <T> T await(KafkaFuture<T> future, long deadline, String what) {
        try {
            return future.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw asKafkaException(what, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("cannot " + what + " within " + timeout + ": is Kafka reachable?");
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        }
    }

    private static KafkaException asKafkaException(String what, Throwable cause) {
        if (cause instanceof TimeoutException timeout) {
            return timeout;
        }
        return new KafkaException("cannot " + what + ": " + cause, cause);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static long remainingNanos(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
