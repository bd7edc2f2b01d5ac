package dev.parley.postprocess;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.avro.AssistantReply;
import dev.parley.avro.EmbeddingIndexed;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.UserTurn;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.postprocess.topology.PostprocessTopology;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.TopicSpec;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code ./parley start} goes through after a SIGKILL: postprocess-streams runs in a child JVM that is killed
 * (RocksDB files left open, no clean close, its group members and transactional producers left behind), then a new
 * instance starts on the same state directory.
 */
class UncleanRestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(UncleanRestartIT.class);
    private static final int PARTITIONS = 2;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @DisplayName("after a SIGKILL of postprocess-streams, a new instance on the same state directory recovers, "
        + "emits nothing twice and logs no ERROR")
    void recoversFromAKill(@TempDir Path work) throws Exception {
        recoverAfterKill(work, false);
    }

    @Test
    @DisplayName("after a SIGKILL of broker, registry and postprocess-streams in one process (./parley start), "
        + "all restarted on the same data recover, emit nothing twice and log no ERROR")
    void recoversFromAKillOfTheAllInOneProcess(@TempDir Path work) throws Exception {
        recoverAfterKill(work, true);
    }

    private void recoverAfterKill(Path work, boolean brokerInTheKilledProcess) throws Exception {
        Path kafkaDir = work.resolve("kafka");
        Path stateDir = work.resolve("streams");
        int kafkaPort = freePort();
        int registryPort = freePort();
        Map<String, String> env = new HashMap<>(Map.of(Env.KAFKA_BOOTSTRAP, "localhost:" + kafkaPort,
            Env.REGISTRY_URL, "http://localhost:" + registryPort, PostprocessConfig.PORT, "0",
            PostprocessConfig.APPLICATION_ID, "unclean-" + UUID.randomUUID(),
            PostprocessConfig.STATE_DIR, stateDir.toString(),
            // Members a killed process leaves behind would hold a restart up for this long (the default is 45 s):
            // far beyond the waits below, so a restart that waits for them fails instead of passing slowly.
            "PARLEY_KAFKA_SESSION_TIMEOUT_MS", "300000"));
        Map<String, Object> clients = Map.of("bootstrap.servers", env.get(Env.KAFKA_BOOTSTRAP),
            "schema.registry.url", env.get(Env.REGISTRY_URL));
        List<String> sessions = List.of(sessionIn(0), sessionIn(1));
        Vertx vertx = Vertx.vertx();
        AllInOneProcess infrastructure = brokerInTheKilledProcess ? null
            : AllInOneProcess.infrastructure(kafkaDir, kafkaPort, registryPort, PARTITIONS);
        try {
            // A long commit interval, so that the kill most likely finds a transaction open.
            Map<String, String> killedEnv = new HashMap<>(env);
            killedEnv.put(PostprocessConfig.COMMIT_INTERVAL_MS, "5000");
            Path killedLog = work.resolve("killed.log");
            Process killed = brokerInTheKilledProcess
                ? startChild(AllInOneProcess.class, killedEnv, killedLog, kafkaDir.toString(),
                    String.valueOf(kafkaPort), String.valueOf(registryPort), String.valueOf(PARTITIONS))
                : startChild(PostprocessMain.class, killedEnv, killedLog);
            try (Ledger ledger = new Ledger(clients);
                 Output<SessionSnapshot> snapshots = new Output<>(clients, Topics.SESSIONS, true);
                 Output<SessionSnapshot> uncommitted = new Output<>(clients, Topics.SESSIONS, false);
                 Output<EmbeddingIndexed> embeddings = new Output<>(clients, Topics.EMBEDDINGS, true)) {
                try {
                    awaitTopics(clients, killed, killedLog);
                    ledger.turns(sessions, "first");
                    await().atMost(Duration.ofSeconds(120)).until(() -> {
                        requireAlive(killed, killedLog);
                        return snapshots.cover(ledger) && embeddings.count() == ledger.texts();
                    });
                    ledger.turns(sessions, "in flight");
                    await().atMost(Duration.ofSeconds(60)).until(() -> uncommitted.cover(ledger));
                } finally {
                    killed.destroyForcibly(); // SIGKILL
                    assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
                }
                assertKilledStateLeftBehind(stateDir);
                int seenBefore = snapshots.count();
                LOG.info("The kill left {} snapshot(s) in a transaction that never committed",
                    uncommitted.count() - seenBefore);

                try (LogCapture logs = LogCapture.start()) {
                    long started = System.nanoTime();
                    if (brokerInTheKilledProcess) {
                        infrastructure = AllInOneProcess.infrastructure(kafkaDir, kafkaPort, registryPort, PARTITIONS);
                    }
                    ledger.turns(sessions, "after the restart");
                    long postprocessStarted = System.nanoTime();
                    try (PostprocessApp app = PostprocessApp.start(vertx,
                        PostprocessConfig.fromEnvironment(new Env(env)))) {
                        await().atMost(Duration.ofSeconds(120)).until(() -> app.state() == KafkaStreams.State.RUNNING);
                        long running = millisSince(postprocessStarted);
                        await().atMost(Duration.ofSeconds(120)).until(() -> snapshots.count() > seenBefore);
                        long firstRecord = millisSince(postprocessStarted);
                        await().atMost(Duration.ofSeconds(120)).until(() ->
                            snapshots.cover(ledger) && embeddings.count() == ledger.texts());
                        LOG.info("Restart after SIGKILL{}: postprocess RUNNING after {} ms, first new snapshot "
                                + "after {} ms, caught up after {} ms (from the restart of everything: {} ms)",
                            brokerInTheKilledProcess ? " of the all-in-one process" : "", running, firstRecord,
                            millisSince(postprocessStarted), millisSince(started));

                        for (String session : sessions) {
                            JsonObject view = new JsonObject(get(app, "/sessions/" + session).body());
                            assertEquals(3, view.getInteger("turnCount"), "the turns from before the kill are kept");
                            assertEquals("Ada", view.getJsonObject("facts").getString("name"));
                            JsonObject found = new JsonObject(get(app, "/sessions/" + session
                                + "/search?q=first+turn&k=50").body());
                            assertEquals(6, found.getJsonArray("results").size(), "every text is still searchable");
                        }
                        snapshots.assertOnePerLedgerEvent(ledger);
                        embeddings.assertNoDuplicate(EmbeddingIndexed::getSourceEventId);
                    }
                    logs.assertNoError();
                    assertTrue(logs.any(event -> event.getLevel() == Level.WARN
                            && event.getFormattedMessage().contains("was not stopped cleanly")),
                        "the unclean stop is reported at WARN:\n" + logs.dump());
                    assertTrue(logs.any(event -> event.getLevel() == Level.INFO
                            && event.getFormattedMessage().contains("restored store " + PostprocessTopology.SNAPSHOT_STORE)),
                        "the restore is reported at INFO:\n" + logs.dump());
                }
            }
        } finally {
            if (infrastructure != null) {
                infrastructure.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    @Test
    @DisplayName("after a clean stop, a restart keeps the local state: nothing is wiped, restored or logged at ERROR")
    void cleanStopKeepsTheLocalState(@TempDir Path stateDir) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral();
             SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), 0)) {
            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(PARTITIONS));
            PostprocessConfig config = PostprocessConfig.fromEnvironment(new Env(Map.of(
                Env.KAFKA_BOOTSTRAP, kafka.bootstrapServers(), Env.REGISTRY_URL, registry.url(),
                PostprocessConfig.PORT, "0", PostprocessConfig.APPLICATION_ID, "clean-" + UUID.randomUUID(),
                PostprocessConfig.STATE_DIR, stateDir.toString(), PostprocessConfig.EMBEDDINGS, "none")));
            Map<String, Object> clients = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "schema.registry.url", registry.url());
            List<String> sessions = List.of(sessionIn(0), sessionIn(1));
            try (Ledger ledger = new Ledger(clients);
                 Output<SessionSnapshot> snapshots = new Output<>(clients, Topics.SESSIONS, true)) {
                ledger.turns(sessions, "first");
                try (PostprocessApp app = PostprocessApp.start(vertx, config)) {
                    await().atMost(Duration.ofSeconds(120)).until(() -> snapshots.cover(ledger));
                }
                ledger.turns(sessions, "second");
                try (LogCapture logs = LogCapture.start();
                     PostprocessApp app = PostprocessApp.start(vertx, config)) {
                    await().atMost(Duration.ofSeconds(120)).until(() -> snapshots.cover(ledger));
                    JsonObject view = new JsonObject(get(app, "/sessions/" + sessions.get(0)).body());
                    assertEquals(2, view.getInteger("turnCount"));
                    logs.assertNoError();
                    assertFalse(logs.any(event -> event.getFormattedMessage().contains("was not stopped cleanly")
                        || event.getFormattedMessage().contains("restored store")), logs.dump());
                }
                snapshots.assertOnePerLedgerEvent(ledger);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** {@code main} in its own JVM, with this test's classpath. */
    private static Process startChild(Class<?> main, Map<String, String> env, Path log, String... args)
        throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Waits for the topics, which the all-in-one child creates once its broker and registry are up. */
    private static void awaitTopics(Map<String, Object> clients, Process child, Path log) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", clients.get("bootstrap.servers")))) {
            await().atMost(Duration.ofSeconds(120))
                .ignoreExceptionsMatching(e -> e instanceof ExecutionException || e instanceof TimeoutException)
                .until(() -> {
                requireAlive(child, log);
                return admin.listTopics().names().get(5, TimeUnit.SECONDS).contains(Topics.LEDGER.name());
            });
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void requireAlive(Process process, Path log) throws IOException {
        if (!process.isAlive()) {
            throw new AssertionError("postprocess exited with " + process.exitValue() + ":\n" + Files.readString(log));
        }
    }

    /** What a SIGKILL leaves: the RocksDB stores, and no checkpoint that would vouch for them. */
    private static void assertKilledStateLeftBehind(Path stateDir) throws IOException {
        try (Stream<Path> files = Files.walk(stateDir)) {
            List<String> names = files.map(stateDir::relativize).map(Path::toString).toList();
            assertTrue(names.stream().anyMatch(name -> name.contains("rocksdb")), String.join("\n", names));
            assertFalse(names.stream().anyMatch(name -> name.endsWith(".checkpoint")), String.join("\n", names));
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private HttpResponse<String> get(PostprocessApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** A session id that lands in ledger partition {@code partition}. */
    private static String sessionIn(int partition) {
        String id = UuidV7.next().toString();
        while (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS != partition) {
            id = UuidV7.next().toString();
        }
        return id;
    }

    /** Writes turns to the ledger and remembers, per session, the offsets it wrote. */
    private static final class Ledger implements AutoCloseable {

        private final AvroSerde<LedgerEvent> serde;
        private final KafkaProducer<String, LedgerEvent> producer;
        private final Map<String, List<Long>> offsets = new HashMap<>();

        Ledger(Map<String, Object> config) {
            serde = Topics.LEDGER.valueSerde(config);
            producer = new KafkaProducer<>(config, new StringSerializer(), serde.serializer());
        }

        /** One turn and its reply in every session. */
        void turns(List<String> sessions, String label) throws Exception {
            for (String session : sessions) {
                String turn = UuidV7.next().toString();
                send(session, turn, UserTurn.newBuilder().setText("My name is Ada. This is the " + label + " turn.").setClientTurnId(null).build());
                send(session, turn, AssistantReply.newBuilder().setText("Noted, Ada: the " + label + " turn.").setModel("m").setFinishReason("stop").build());
            }
        }

        private void send(String session, String turn, Object payload) throws Exception {
            long offset = producer.send(new ProducerRecord<>(Topics.LEDGER.name(), session, LedgerEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setSessionId(session).setTurnId(turn)
                .setTimestamp(Instant.now()).setProducer("test").setAttempt(0).setPayload(payload).build()))
                .get().offset();
            offsets.computeIfAbsent(session, s -> new ArrayList<>()).add(offset);
        }

        Map<String, List<Long>> all() {
            return offsets;
        }

        /** Every event written has text to embed. */
        int texts() {
            return offsets.values().stream().mapToInt(List::size).sum();
        }

        @Override
        public void close() {
            producer.close();
            serde.close();
        }
    }

    /** Everything written to an output topic so far, committed only or not, polled on demand. */
    private static final class Output<V extends SpecificRecord> implements AutoCloseable {

        private final AvroSerde<V> serde;
        private final KafkaConsumer<String, V> consumer;
        private final List<V> records = new ArrayList<>();

        Output(Map<String, Object> config, TopicSpec<V> topic, boolean committedOnly) {
            Map<String, Object> consumerConfig = new HashMap<>(config);
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                committedOnly ? "read_committed" : "read_uncommitted");
            serde = topic.valueSerde(config);
            consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), serde.deserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        synchronized List<V> records() {
            consumer.poll(Duration.ofMillis(50)).forEach(record -> records.add(record.value()));
            return records;
        }

        int count() {
            return records().size();
        }

        /** True when every session's newest snapshot covers the session's last ledger event. */
        boolean cover(Ledger ledger) {
            Map<String, Long> newest = new HashMap<>();
            for (V record : records()) {
                SessionSnapshot snapshot = (SessionSnapshot) record;
                newest.merge(snapshot.getSessionId(), snapshot.getLedgerOffset(), Math::max);
            }
            return ledger.all().entrySet().stream().allMatch(session ->
                newest.getOrDefault(session.getKey(), -1L) >= session.getValue().get(session.getValue().size() - 1));
        }

        /** Exactly one committed snapshot per ledger event, in ledger order. */
        void assertOnePerLedgerEvent(Ledger ledger) {
            for (Map.Entry<String, List<Long>> session : ledger.all().entrySet()) {
                List<Long> emitted = records().stream().map(record -> (SessionSnapshot) record)
                    .filter(snapshot -> snapshot.getSessionId().equals(session.getKey()))
                    .map(SessionSnapshot::getLedgerOffset).toList();
                assertEquals(session.getValue(), emitted, "snapshots of session " + session.getKey());
            }
        }

        void assertNoDuplicate(Function<V, String> id) {
            Map<String, Long> counts = records().stream().collect(Collectors.groupingBy(id, Collectors.counting()));
            assertEquals(Map.of(), counts.entrySet().stream().filter(entry -> entry.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "emitted twice");
        }

        @Override
        public void close() {
            consumer.close();
            serde.close();
        }
    }

    /** Every log event of this JVM at the configured levels, from start to close. */
    private static final class LogCapture implements AutoCloseable {

        private final ch.qos.logback.classic.Logger root =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        static LogCapture start() {
            LogCapture capture = new LogCapture();
            capture.appender.start();
            capture.root.addAppender(capture.appender);
            return capture;
        }

        List<ILoggingEvent> events() {
            synchronized (appender) { // the appender appends under its own lock
                return List.copyOf(appender.list);
            }
        }

        boolean any(Predicate<ILoggingEvent> matches) {
            return events().stream().anyMatch(matches);
        }

        void assertNoError() {
            List<ILoggingEvent> errors = events().stream().filter(event -> event.getLevel() == Level.ERROR).toList();
            assertTrue(errors.isEmpty(), "ERROR events during expected recovery:\n" + dump(errors));
        }

        String dump() {
            return dump(events());
        }

        private static String dump(List<ILoggingEvent> events) {
            return events.stream().map(event -> event.getLevel() + " " + event.getLoggerName() + " - "
                    + event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy())))
                .collect(Collectors.joining("\n"));
        }

        @Override
        public void close() {
            root.detachAppender(appender);
            appender.stop();
        }
    }
}
