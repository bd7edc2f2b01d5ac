package dev.parley.postprocess;

import dev.parley.postprocess.embed.Embedder;
import dev.parley.postprocess.embed.Embedders;
import dev.parley.postprocess.extract.CommitmentExtractor;
import dev.parley.postprocess.extract.ExtractiveSummarizer;
import dev.parley.postprocess.extract.LlmCommitmentExtractor;
import dev.parley.postprocess.extract.LlmSummarizer;
import dev.parley.postprocess.extract.RuleBasedCommitmentExtractor;
import dev.parley.postprocess.extract.Summarizer;
import dev.parley.postprocess.query.QueryServer;
import dev.parley.postprocess.query.SessionQueries;
import dev.parley.postprocess.topology.PostprocessTopology;
import dev.parley.postprocess.topology.SnapshotUpdater;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** postprocess-streams running: the Kafka Streams application and its query API. */
public final class PostprocessApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostprocessApp.class);

    private final KafkaStreams streams;
    private final QueryServer queries;
    private final Embedder embedder;

    private PostprocessApp(KafkaStreams streams, QueryServer queries, Embedder embedder) {
        this.streams = streams;
        this.queries = queries;
        this.embedder = embedder;
    }

    /**
     * Binds the query API, then starts the Streams application (after a reset when the flag is set). Returns once
     * started; {@link #state()} says when it is RUNNING.
     */
    public static PostprocessApp start(Vertx vertx, PostprocessConfig config) {
        Embedder embedder = embedder(config);
        QueryServer server = null;
        try {
            server = QueryServer.start(vertx, config.port());
            HostInfo self = new HostInfo(config.host(), server.port());
            SnapshotUpdater updater = new SnapshotUpdater(config.snapshotBudgetChars(), config.summaryMaxChars(),
                summarizer(config), commitmentExtractor(config));
            Topology topology = PostprocessTopology.build(config.kafka(), config.applicationId(), updater, embedder);
            KafkaStreams streams = new KafkaStreams(topology, streamsConfig(config, self));
            if (config.reset()) {
                LOG.warn("{}=true: rebuilding all state of {} from the ledger", PostprocessConfig.RESET,
                    config.applicationId());
                StreamsReset.run(config.kafka(), config.applicationId());
                streams.cleanUp();
            }
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("postprocess-streams failed; replacing the stream thread", e);
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .REPLACE_THREAD;
            });
            streams.start();
            server.serve(new SessionQueries(streams, self, embedder));
            LOG.info("postprocess-streams {} started, query API on port {}", config.applicationId(), server.port());
            return new PostprocessApp(streams, server, embedder);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (embedder != null) {
                embedder.close();
            }
            throw e;
        }
    }

    /** The Streams settings: exactly-once, RocksDB state in the state directory, this instance's query address. */
    public static Properties streamsConfig(PostprocessConfig config, HostInfo self) {
        Properties props = new Properties();
        props.putAll(config.kafka());
        props.remove("schema.registry.url");
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
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

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The ledger partitions whose state this instance owns right now. */
    public Set<Integer> ownedPartitions() {
        return streams.metadataForLocalThreads().stream()
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
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
        if (embedder != null) {
            embedder.close();
        }
    }
}
