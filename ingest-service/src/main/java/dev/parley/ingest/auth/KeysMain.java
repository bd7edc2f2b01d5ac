package dev.parley.ingest.auth;

import dev.parley.avro.ApiKey;
import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.kafka.KafkaClientConfigs;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.topics.CompactedTable;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.TopicSettings;
import dev.parley.schemas.topics.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./parley keys}: creates, lists and revokes the gateway's API keys in the keys topic, which every gateway
 * tails. A new key is printed once, alone on stdout (so {@code KEY=$(./parley keys create --principal alice)} works);
 * only its SHA-256 is stored. A list never shows hashes.
 *
 * <p>How to run:
 * <ol>
 *   <li>Have Kafka, the schema registry and the topics ({@code ./parley kafka}, {@code ./parley topics}), or a running
 *       {@code ./parley start}; PARLEY_KAFKA_BOOTSTRAP_SERVERS and PARLEY_SCHEMA_REGISTRY_URL when not on localhost.</li>
 *   <li>{@code ./parley keys create --principal alice}, {@code ./parley keys list}, {@code ./parley keys revoke KEYID}.</li>
 * </ol>
 */
public final class KeysMain {

    static final String USAGE = "usage: ./parley keys create --principal NAME | list | revoke KEYID";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private KeysMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(List.of(args), Env.system(), System.out, System.err));
    }

    /** Runs one command; answers the exit code (0 done, 1 failed, 2 bad usage). */
    static int run(List<String> args, Env env, PrintStream out, PrintStream err) throws InterruptedException {
        Map<String, Object> kafka = env.kafkaClientConfig(IngestConfig.DEFAULT_BOOTSTRAP);
        try {
            if (args.size() == 3 && args.get(0).equals("create") && args.get(1).equals("--principal")) {
                return create(kafka, args.get(2).trim(), out, err);
            }
            if (args.size() == 1 && args.get(0).equals("list")) {
                requireTopic(env, kafka);
                return list(kafka, out);
            }
            if (args.size() == 2 && args.get(0).equals("revoke")) {
                requireTopic(env, kafka);
                return revoke(kafka, args.get(1).trim(), out, err);
            }
            err.println(USAGE);
            return 2;
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            err.println("keys: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    private static int create(Map<String, Object> kafka, String principal, PrintStream out, PrintStream err)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (principal.isEmpty() || principal.equals(Principals.ANONYMOUS)) {
            err.println("keys: the principal must be a name other than '" + Principals.ANONYMOUS + "'");
            return 2;
        }
        ApiKeys.NewKey key = create(kafka, principal);
        err.println("Created key " + key.record().getKeyId() + " for principal " + principal
                + ". It is shown only this once (Parley keeps its SHA-256); send it as Authorization: Bearer <key>:");
        out.println(key.key());
        return 0;
    }

    /**
     * Makes a new key for {@code principal} and writes its record to the keys topic, as {@code ./parley keys create}
     * does (for programs that start Parley themselves: tests, the bench); the key itself is in the answer only.
     */
    public static ApiKeys.NewKey create(Map<String, Object> kafka, String principal)
            throws ExecutionException, InterruptedException, TimeoutException {
        ApiKeys.NewKey key = ApiKeys.create(principal);
        write(kafka, key.record());
        return key;
    }

    private static int list(Map<String, Object> kafka, PrintStream out) throws InterruptedException {
        List<ApiKey> keys = readAll(kafka);
        out.printf("%-16s  %-24s  %-24s  %s%n", "KEY ID", "PRINCIPAL", "CREATED", "REVOKED");
        keys.stream().sorted(Comparator.comparing(ApiKey::getCreatedAt)).forEach(key -> out.printf(
                "%-16s  %-24s  %-24s  %s%n", key.getKeyId(), key.getPrincipal(), key.getCreatedAt(),
                key.getRevokedAt() == null ? "-" : key.getRevokedAt().toString()));
        return 0;
    }

    private static int revoke(Map<String, Object> kafka, String keyId, PrintStream out, PrintStream err)
            throws InterruptedException, ExecutionException, TimeoutException {
        Optional<ApiKey> found = readAll(kafka).stream().filter(key -> key.getKeyId().equals(keyId)).findFirst();
        if (found.isEmpty()) {
            err.println("keys: no key " + keyId + " (./parley keys list shows the ids)");
            return 1;
        }
        if (found.get().getRevokedAt() != null) {
            out.println("Key " + keyId + " was already revoked at " + found.get().getRevokedAt());
            return 0;
        }
        ApiKey revoked = ApiKey.newBuilder(found.get()).setRevokedAt(Instant.now()).build();
        write(kafka, revoked);
        out.println("Revoked key " + keyId + " of principal " + revoked.getPrincipal()
                + "; every gateway refuses it within seconds");
        return 0;
    }

    private static void write(Map<String, Object> kafka, ApiKey record)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (KafkaProducer<String, ApiKey> producer = new KafkaProducer<>(
                KafkaClientConfigs.producer(kafka, "parley-keys-cli"), new StringSerializer(),
                Topics.API_KEYS.valueSerde(kafka).serializer())) {
            producer.send(new ProducerRecord<>(Topics.API_KEYS.name(), record.getKeyId(), record))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static List<ApiKey> readAll(Map<String, Object> kafka) throws InterruptedException {
        try (CompactedTable<ApiKey> store = Authenticator.keyTable(kafka)) {
            if (!store.awaitCaughtUp(TIMEOUT)) {
                throw new IllegalStateException("could not read " + Topics.API_KEYS.name() + " within " + TIMEOUT);
            }
            return store.values();
        }
    }

    private static void requireTopic(Env env, Map<String, Object> kafka) {
        TopicInitializer.requireReady(kafka, TopicSettings.fromEnvironment(env), List.of(Topics.API_KEYS));
    }
}
