package dev.parley.postprocess;

import dev.parley.launch.DirectoryLock;
import dev.parley.postprocess.embed.Embedder;
import dev.parley.postprocess.embed.Embedders;
import dev.parley.postprocess.extract.CommitmentExtractor;
import dev.parley.postprocess.extract.ExtractiveSummarizer;
import dev.parley.postprocess.extract.LlmCommitmentExtractor;
import dev.parley.postprocess.extract.LlmSummarizer;
import dev.parley.postprocess.extract.RuleBasedCommitmentExtractor;
import dev.parley.postprocess.extract.Summarizer;
import dev.parley.postprocess.query.QueryServer;
import dev.parley.schemas.telemetry.ServiceMetrics;
import dev.parley.postprocess.query.SessionQueries;
import dev.parley.postprocess.topology.PostprocessTopology;
import dev.parley.postprocess.topology.SnapshotUpdater;
import dev.parley.schemas.serde.DecodeFailures;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * postprocess-streams running: two Kafka Streams applications on the ledger, snapshots ({@code <app id>}) and
 * embeddings ({@code <app id>-embeddings}, when an embedder is configured), and their query API. Two applications,
 * each with its own threads and offsets, so embedding never holds up a snapshot.
 */
public final class PostprocessApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostprocessApp.class);
    /** Appended to the application id for the embedding application. */
    public static final String EMBEDDINGS_SUFFIX = "-embeddings";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final List<Started> started;
    private final KafkaStreams snapshots;
    private final QueryServer queries;
    private final ServiceMetrics metrics;
    private final Embedder embedder;
    private final DirectoryLock stateLock;

    /** One Streams application and the marker that says whether its local state was left by a clean stop. */
    private record Started(String applicationId, KafkaStreams streams, LocalState local) {

        /** Marks the local state in use until a clean close, then starts; logs how long it took to run. */
        void start() {
            long startNanos = System.nanoTime();
            AtomicBoolean wasRunning = new AtomicBoolean();
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING && !wasRunning.getAndSet(true)) {
                    LOG.info("{} is RUNNING, {} ms after start", applicationId,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
                }
            });
            local.starting();
            streams.start();
        }
    }

    private PostprocessApp(List<Started> started, QueryServer queries, Embedder embedder, ServiceMetrics metrics,
                           DirectoryLock stateLock) {
        this.metrics = metrics;
        this.stateLock = stateLock;
        this.started = started;
        this.snapshots = started.get(0).streams();
        this.queries = queries;
        this.embedder = embedder;
    }

    /**
     * Binds the query API, then starts the Streams applications (after a reset when the flag is set). Returns once
     * started; {@link #state()} says when they are RUNNING.
     */
    public static PostprocessApp start(Vertx vertx, PostprocessConfig config) {
        // Before Streams takes the directory: its own lock fails later, with an ERROR of its own and no setting named.
        DirectoryLock stateLock = DirectoryLock.take(config.stateDir(), config.applicationId() + ".lock",
            "another postprocess-streams (" + config.applicationId() + ") is using the state directory "
                + config.stateDir().toAbsolutePath() + "; stop it or give this one its own "
                + PostprocessConfig.STATE_DIR);
        Embedder embedder;
        try {
            embedder = embedder(config);
        } catch (RuntimeException e) {
            stateLock.close();
            throw e;
        }
        QueryServer server = null;
        List<Started> started = new ArrayList<>();
        ServiceMetrics metrics = new ServiceMetrics("postprocess");
        try {
            server = QueryServer.start(vertx, config.bindHost(), config.port(), metrics::scrape);
            HostInfo self = new HostInfo(config.host(), server.port());
            SnapshotUpdater updater = new SnapshotUpdater(config.snapshotBudgetChars(), config.summaryMaxChars(),
                summarizer(config), commitmentExtractor(config));
            String snapshotsId = config.applicationId();
            String embeddingsId = config.applicationId() + EMBEDDINGS_SUFFIX;
            String instanceId = InstanceId.of(config);
            Started snapshots = create(config, snapshotsId, self, instanceId,
                PostprocessTopology.snapshots(config.kafka(), snapshotsId, updater));
            Started embeddings = embedder == null ? null : create(config, embeddingsId, self, instanceId,
                PostprocessTopology.embeddings(config.kafka(), embeddingsId, embedder));
            started.add(snapshots);
            metrics.bindStreams(snapshots.streams());
            snapshots.start();
            if (embeddings != null) {
                started.add(embeddings);
                metrics.bindStreams(embeddings.streams());
                embeddings.start();
            }
            server.serve(new SessionQueries(snapshots.streams(), embeddings == null ? null : embeddings.streams(),
                self, embedder));
            LOG.info("postprocess-streams {} started (embeddings: {}, group instance id: {}), query API on port {}",
                snapshotsId, embedder == null ? "none" : embedder.modelId(), instanceId == null ? "none" : instanceId,
                server.port());
            return new PostprocessApp(started, server, embedder, metrics, stateLock);
        } catch (RuntimeException e) {
            started.forEach(PostprocessApp::stop);
            stateLock.close();
            metrics.close();
            if (server != null) {
                server.close();
            }
            if (embedder != null) {
                embedder.close();
            }
            throw e;
        }
    }

    /**
     * One Streams application, reset first when the flag says so, its local state wiped when the last run was killed.
     */
    private static Started create(PostprocessConfig config, String applicationId, HostInfo self, String instanceId,
                                  Topology topology) {
        KafkaStreams streams = new KafkaStreams(topology, streamsConfig(config, applicationId, self, instanceId));
        LocalState local = LocalState.of(config.stateDir(), applicationId);
        if (config.reset()) {
            LOG.warn("{}=true: rebuilding all state of {} from the ledger", PostprocessConfig.RESET, applicationId);
            StreamsReset.run(config.kafka(), applicationId);
            streams.cleanUp();
        } else if (local.leftByUncleanStop()) {
            // What Streams would do itself once it found the stores unclean, without its ERROR: see LocalState.
            LOG.warn("{} was not stopped cleanly last time (killed?): its local state may hold uncommitted writes, "
                + "so it is wiped and restored from the changelog topics", applicationId);
            streams.cleanUp();
        }
        streams.setUncaughtExceptionHandler(e -> {
            if (DecodeFailures.isTransient(e)) {
                LOG.warn("{}: the schema registry is unreachable; replacing the stream thread, which reads the "
                    + "record again: {}", applicationId, e.getMessage());
            } else {
                LOG.error("{} failed; replacing the stream thread", applicationId, e);
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setGlobalStateRestoreListener(new RestoreLog(applicationId));
        return new Started(applicationId, streams, local);
    }

    /**
     * The Streams settings: exactly-once, RocksDB state in the state directory, this instance's query address, and
     * static group membership under {@code instanceId} (none when null).
     */
    public static Properties streamsConfig(PostprocessConfig config, String applicationId, HostInfo self,
                                           String instanceId) {
        Properties props = new Properties();
        props.putAll(config.kafka());
        props.remove("schema.registry.url");
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        if (instanceId != null) {
            props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        }
        return props;
    }

    private static Embedder embedder(PostprocessConfig config) {
        if (config.embeddings().equals("none")) {
            return null;
        }
        PostprocessConfig.Remote remote = config.embeddingsRemote();
        return remote == null ? Embedders.create(config.embeddings(), null, null, null, Duration.ofSeconds(10))
            : Embedders.create(config.embeddings(), remote.url(), remote.model(), remote.apiKey(), remote.timeout());
    }

    private static Summarizer summarizer(PostprocessConfig config) {
        PostprocessConfig.Remote remote = config.summarizerRemote();
        return remote == null ? new ExtractiveSummarizer()
            : new LlmSummarizer(remote.url(), remote.model(), remote.apiKey(), remote.timeout());
    }

    private static CommitmentExtractor commitmentExtractor(PostprocessConfig config) {
        PostprocessConfig.Remote remote = config.commitmentExtractorRemote();
        return remote == null ? new RuleBasedCommitmentExtractor()
            : new LlmCommitmentExtractor(remote.url(), remote.model(), remote.apiKey(), remote.timeout());
    }

    /** RUNNING when every application is; otherwise the state of the first one that is not. */
    public KafkaStreams.State state() {
        return started.stream().map(app -> app.streams().state())
            .filter(s -> s != KafkaStreams.State.RUNNING).findFirst().orElse(KafkaStreams.State.RUNNING);
    }

    /** The ledger partitions whose snapshots this instance owns right now. */
    public Set<Integer> ownedPartitions() {
        return snapshots.metadataForLocalThreads().stream()
            .flatMap(thread -> thread.activeTasks().stream())
            .flatMap(task -> task.topicPartitions().stream())
            .filter(partition -> partition.topic().equals(PostprocessTopology.LEDGER))
            .map(TopicPartition::partition)
            .collect(Collectors.toUnmodifiableSet());
    }

    /** The query API's port. */
    public int port() {
        return queries.port();
    }

    /**
     * Stops the query API, then Streams (committing its last work and leaving the group, so the partitions move
     * to another instance at once and a reset can follow), then the embedding model.
     */
    @Override
    public void close() {
        queries.close();
        started.forEach(PostprocessApp::stop);
        metrics.close();
        if (embedder != null) {
            embedder.close();
        }
        stateLock.close();
    }

    private static void stop(Started app) {
        boolean closed = app.streams().close(CloseOptions
            .groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(CLOSE_TIMEOUT));
        if (closed) {
            app.local().stoppedCleanly();
        } else {
            LOG.warn("{} did not stop within {} s; its local state will be rebuilt at the next start",
                app.applicationId(), CLOSE_TIMEOUT.toSeconds());
        }
    }
}
