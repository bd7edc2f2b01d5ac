package dev.parley.postprocess;

import dev.parley.launch.Launcher;
import dev.parley.launch.PortCheck;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.TopicSettings;
import dev.parley.schemas.topics.TopicSpec;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Runs postprocess-streams on its own (the standalone run starts it for you). It checks at start that its topics
 * exist, and exits 1 naming the missing ones rather than creating them.
 *
 * <p>How to run:
 * <ol>
 *   <li>Start Kafka, the schema registry and the topics, e.g. {@code ./parley kafka} and {@code ./parley topics},
 *       or point at yours with PARLEY_KAFKA_BOOTSTRAP_SERVERS and PARLEY_SCHEMA_REGISTRY_URL.</li>
 *   <li>Give each instance its own PARLEY_POSTPROCESS_PORT and PARLEY_POSTPROCESS_STATE_DIR, and the host name
 *       the others reach it by in PARLEY_POSTPROCESS_HOST: instances forward queries to the session's owner.</li>
 *   <li>{@code ./parley postprocess} (it runs {@code postprocess-streams/target/parley-postprocess.jar}); start
 *       more for more capacity: they share the ledger's partitions. PARLEY_POSTPROCESS_RESET=true (with every
 *       instance stopped) rebuilds all state from the ledger.</li>
 * </ol>
 */
public final class PostprocessMain {

    /** The topics postprocess-streams reads and writes (Streams creates its own internal ones): checked at start. */
    public static final List<TopicSpec<?>> TOPICS = List.of(Topics.LEDGER, Topics.SESSIONS, Topics.EMBEDDINGS,
        Topics.COMMITMENTS, Topics.SUMMARIES, Topics.DLQ);

    private PostprocessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Launcher.run("postprocess-streams", () -> {
            Env env = Env.system();
            TopicSettings topics = TopicSettings.fromEnvironment(env);
            PostprocessConfig config = PostprocessConfig.fromEnvironment(env);
            PortCheck.requireFree(config.bindHost(), List.of(PortCheck.port(PostprocessConfig.PORT, config.port())));
            TopicInitializer.requireReady(config.kafka(), topics, TOPICS);
            Vertx vertx = Vertx.vertx();
            return Launcher.owning(() -> vertx.close().toCompletionStage().toCompletableFuture().join(),
                () -> PostprocessApp.start(vertx, config));
        });
    }
}
