package dev.parley.bench;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.UserTurn;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.postprocess.PostprocessApp;
import dev.parley.postprocess.PostprocessConfig;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.turns.ContextBuilder;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * How long the worker takes to build turn N's context as the session's history grows: from the snapshot plus the
 * ledger tail (what the worker does) against the naive full replay of the session's ledger (what it does without a
 * snapshot), at 10, 1,000 and 10,000 earlier turns.
 *
 * <p>How to run:
 * <ol>
 *   <li>{@code ./mvnw -B -q install -DskipTests}</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.mainClass=dev.parley.bench.ContextBuildBench
 *       -Dexec.args="10,1000,10000 30"} (history sizes, timed builds per size, and optionally the embeddings:
 *       none by default, onnx to also time postprocess-streams' catch-up with embeddings)</li>
 * </ol>
 * It starts its own in-process broker, schema registry and postprocess-streams; no LLM is involved, the history is
 * written to the ledger directly.
 */
public final class ContextBuildBench {

    private static final int BUDGET_CHARS = 16_000;
    private static final int TAIL_TURNS = 2;

    private ContextBuildBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length > 0
            ? java.util.Arrays.stream(args[0].split(",")).map(Integer::parseInt).toList() : List.of(10, 1_000, 10_000);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        String embeddings = args.length > 2 ? args[2] : "none";
        Path state = Files.createTempDirectory("parley-context-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral();
             SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), 0)) {
            // One partition per session: the naive replay of one session does not also read the others'.
            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(sizes.size()));
            Map<String, Object> clients = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "schema.registry.url", registry.url());
            Vertx vertx = Vertx.vertx();
            PostprocessConfig config = PostprocessConfig.fromEnvironment(new Env(Map.of(
                Env.KAFKA_BOOTSTRAP, kafka.bootstrapServers(), Env.REGISTRY_URL, registry.url(),
                PostprocessConfig.EMBEDDINGS, embeddings, PostprocessConfig.PORT, "0",
                PostprocessConfig.STATE_DIR, state.toString())));
            List<Session> sessions = new ArrayList<>();
            try (Ledger ledger = new Ledger(clients)) {
                for (int i = 0; i < sizes.size(); i++) {
                    sessions.add(ledger.session(sizes.get(i), i, sizes.size()));
                }
                // Snapshot the history, then stop postprocess-streams and write the last turns and the new one:
                // the context is built from a snapshot that lags by TAIL_TURNS turns, as when it runs behind.
                long started = System.nanoTime();
                try (PostprocessApp postprocess = PostprocessApp.start(vertx, config)) {
                    HttpClient http = HttpClient.newHttpClient();
                    for (Session session : sessions) {
                        session.awaitSnapshot(http, postprocess.port());
                    }
                }
                long records = sessions.stream().mapToLong(s -> s.lastOffset + 1).sum();
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("%npostprocess-streams snapshotted %,d ledger records in %.1f s (%,.0f records/s, "
                    + "start-up included, embeddings %s)%n", records, seconds, records / seconds, embeddings);
                for (Session session : sessions) {
                    ledger.finish(session);
                }
            }
            System.out.printf("%nWrote %s earlier turns (%d chars per turn), each session in its own partition; "
                + "the snapshot lags by %d turns%n", sizes, Session.TURN_CHARS, TAIL_TURNS);
            try (ContextBuilder withSnapshots = ContextBuilder.open(new HashMap<>(clients), BUDGET_CHARS, "", true);
                 ContextBuilder naive = ContextBuilder.open(new HashMap<>(clients), BUDGET_CHARS, "", false)) {
                withSnapshots.follow(sessions.stream().map(s -> s.partition).collect(Collectors.toSet()));
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!sessions.stream().allMatch(s -> withSnapshots.snapshotOffset(s.id) == s.snapshotOffset)) {
                    if (System.nanoTime() > until) {
                        throw new IllegalStateException("the worker's snapshot cache did not catch up");
                    }
                    Thread.sleep(50);
                }
                System.out.println();
                System.out.println("| earlier turns | snapshot + tail p50 | p95 | naive full replay p50 | p95 |");
                System.out.println("|---:|---:|---:|---:|---:|");
                for (Session session : sessions) {
                    List<Double> fast = time(withSnapshots, session, rounds);
                    List<Double> slow = time(naive, session, rounds);
                    System.out.printf("| %,d | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n", session.turns,
                        pct(fast, 50), pct(fast, 95), pct(slow, 50), pct(slow, 95));
                }
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().join();
            }
        }
    }

    /** Builds the context of the session's next turn {@code rounds} times (after 5 unmeasured), in milliseconds. */
    private static List<Double> time(ContextBuilder builder, Session session, int rounds) {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < rounds + 5; i++) {
            long start = System.nanoTime();
            List<ChatMessage> context = builder.build(session.id, session.partition, session.nextTurnId, session.nextTurnOffset,
                session.nextTurnOffset - 1, "And now?");
            double took = (System.nanoTime() - start) / 1e6;
            if (!context.get(context.size() - 2).content().equals(session.lastReply)) {
                throw new IllegalStateException("the context lacks the last reply: " + context);
            }
            if (i >= 5) {
                millis.add(took);
            }
        }
        return millis;
    }

    private static double pct(List<Double> values, int percentile) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    }

    /** One benchmark session: its history, then the turn whose context is built. */
    private static final class Session {
        static final int TURN_CHARS = 240;
        final String id;
        final int partition;
        final int turns;
        String nextTurnId;
        long nextTurnOffset;
        String lastReply;
        long lastOffset;
        long snapshotOffset;

        Session(String id, int partition, int turns) {
            this.id = id;
            this.partition = partition;
            this.turns = turns;
        }

        /** Waits until postprocess-streams' snapshot covers everything written so far. */
        void awaitSnapshot(HttpClient http, int port) throws Exception {
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < until) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/sessions/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    long offset = new io.vertx.core.json.JsonObject(response.body()).getLong("ledgerOffset");
                    if (offset == lastOffset) {
                        snapshotOffset = offset;
                        return;
                    }
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("no snapshot of " + turns + " turns within 5 minutes");
        }
    }

    /** Writes sessions straight to the ledger, as the gateway and the worker would have. */
    private static final class Ledger implements AutoCloseable {
        private final KafkaProducer<String, LedgerEvent> producer;
        private final AvroSerde<LedgerEvent> serde;

        Ledger(Map<String, Object> clients) {
            serde = Topics.LEDGER.valueSerde(clients);
            Map<String, Object> config = new HashMap<>(clients);
            config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            producer = new KafkaProducer<>(config, new StringSerializer(), serde.serializer());
        }

        /** A session of {@code turns} earlier turns whose id falls in ledger partition {@code partition}. */
        /** Writes all but the last {@link #TAIL_TURNS} earlier turns. */
        Session session(int turns, int partition, int partitions) throws Exception {
            String id = UuidV7.next().toString();
            while (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions != partition) {
                id = UuidV7.next().toString();
            }
            Session session = new Session(id, partition, turns);
            session.lastOffset = send(session.id, "", new SessionCreated(null, null)).offset();
            turns(session, 0, turns - TAIL_TURNS);
            return session;
        }

        /** Writes the session's last earlier turns and the turn whose context is built. */
        void finish(Session session) throws Exception {
            turns(session, session.turns - TAIL_TURNS, session.turns);
            session.nextTurnId = UuidV7.next().toString();
            session.nextTurnOffset = send(session.id, session.nextTurnId, UserTurn.newBuilder().setText("And now?").setClientTurnId(null).build()).offset();
        }

        private void turns(Session session, int from, int to) throws Exception {
            String filler = "x".repeat(Session.TURN_CHARS / 2 - 40);
            for (int i = from; i < to; i++) {
                String turnId = UuidV7.next().toString();
                send(session.id, turnId, UserTurn.newBuilder().setText("Question " + i + " about partitions " + filler).setClientTurnId(null).build());
                session.lastReply = "Answer " + i + " on ordering " + filler;
                session.lastOffset = send(session.id, turnId, AssistantReply.newBuilder().setText(session.lastReply).setModel("bench").setFinishReason("stop").setUsage(null).build()).offset();
            }
        }

        private RecordMetadata send(String sessionId, String turnId, Object payload) throws Exception {
            LedgerEvent event = LedgerEvent.newBuilder().setEventId(UUID.randomUUID().toString())
                .setSessionId(sessionId).setTurnId(turnId).setTimestamp(Instant.now()).setProducer("bench")
                .setAttempt(0).setPayload(payload).build();
            return producer.send(new ProducerRecord<>(Topics.LEDGER.name(), sessionId, event)).get();
        }

        @Override
        public void close() {
            producer.close();
            serde.close();
        }
    }
}
