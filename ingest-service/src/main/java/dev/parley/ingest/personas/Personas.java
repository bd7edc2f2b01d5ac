package dev.parley.ingest.personas;

import dev.parley.avro.Persona;
import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.kafka.KafkaClientConfigs;
import dev.parley.schemas.topics.CompactedTable;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The personas of the compacted {@code parley.personas.v1}, tailed into memory, and their writes. The first principal
 * that stores a name owns it; without authentication everyone is the same principal. Reads and writes catch the
 * table up with the topic first, so what any gateway stored is seen (a session created right after a PUT finds it).
 */
public final class Personas implements AutoCloseable {

    /** Persona names: lower-case, URL-safe, at most 64 characters. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** The largest persona text, in UTF-8 bytes. */
    public static final int MAX_TEXT_BYTES = 32 * 1024;

    private static final Duration CATCH_UP = Duration.ofSeconds(10);
    private static final int VERSION_HEX_DIGITS = 12;

    private final Vertx vertx;
    private final CompactedTable<Persona> table;
    private final Producer<String, Persona> producer;

    Personas(Vertx vertx, CompactedTable<Persona> table, Producer<String, Persona> producer) {
        this.vertx = vertx;
        this.table = table;
        this.producer = producer;
    }

    /** Starts tailing the personas topic and opens the producer that writes it. */
    public static Personas start(Vertx vertx, Map<String, Object> kafka) {
        CompactedTable<Persona> table = CompactedTable.start("personas",
                KafkaClientConfigs.relayConsumer(kafka, "parley-ingest-personas", false), Topics.PERSONAS.name(),
                Topics.PERSONAS.valueSerde(kafka).deserializer());
        return new Personas(vertx, table, new KafkaProducer<>(
                KafkaClientConfigs.producer(kafka, "parley-ingest-personas-writer"), new StringSerializer(),
                Topics.PERSONAS.valueSerde(kafka).serializer()));
    }

    /** A persona's version: the first 12 hex digits of the SHA-256 of its text, the same text the same everywhere. */
    public static String version(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, VERSION_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The name, or 400 bad_persona_name. */
    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("bad_persona_name",
                    "a persona name is 1 to 64 characters from a-z, 0-9, '.', '_' and '-', starting with a letter "
                            + "or digit");
        }
        return name;
    }

    /** The newest version of {@code name}; empty when no gateway stored it. */
    public Future<Optional<Persona>> find(String name) {
        Optional<Persona> known = table.get(name);
        return known.isPresent() ? Future.succeededFuture(known) : caughtUp().map(ignored -> table.get(name));
    }

    /** {@link #find}, failing with 404 persona_not_found. */
    public Future<Persona> require(String name) {
        return find(name).compose(found -> found.map(Future::succeededFuture)
                .orElseGet(() -> Future.failedFuture(notFound(name))));
    }

    /**
     * Stores {@code text} as the newest version of {@code name} for {@code principal}: 403 persona_owned when another
     * principal stored the name first; the text of the newest version again writes nothing. Answers whether the name
     * is new, once this gateway's table has it.
     */
    public Future<Stored> put(String name, String text, String principal) {
        String owner = Principals.forLedger(principal);
        Persona persona = Persona.newBuilder().setName(name).setVersion(version(text)).setText(text)
                .setUpdatedAt(Instant.now()).setUpdatedBy(owner).build();
        return caughtUp().compose(ignored -> {
            Optional<Persona> earlier = table.get(name);
            if (earlier.isPresent() && !Objects.equals(earlier.get().getUpdatedBy(), owner)) {
                return Future.failedFuture(new ApiException(403, "persona_owned",
                        "persona " + name + " belongs to another principal"));
            }
            if (earlier.isPresent() && earlier.get().getVersion().equals(persona.getVersion())) {
                return Future.succeededFuture(new Stored(earlier.get(), false)); // the same text: nothing to write
            }
            return write(persona).compose(written -> caughtUp())
                    .map(caught -> new Stored(persona, earlier.isEmpty()));
        });
    }

    /** A persona as stored, and whether its name was new. */
    public record Stored(Persona persona, boolean created) {
    }

    private Future<Void> write(Persona persona) {
        // send() may block (metadata, the schema registry on the first record): never on an event loop
        return vertx.executeBlocking(() -> {
            try {
                producer.send(new ProducerRecord<>(Topics.PERSONAS.name(), persona.getName(), persona))
                        .get(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
                return null;
            } catch (Exception e) {
                throw ApiException.kafkaWriteFailed(e);
            }
        }, false);
    }

    private Future<Void> caughtUp() {
        return Future.fromCompletionStage(table.catchUp().orTimeout(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS),
                        vertx.getOrCreateContext())
                .recover(error -> Future.failedFuture(ApiException.unavailable("personas_unavailable",
                        "the personas topic could not be read: " + error.getMessage(), 1)));
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("persona_not_found", "no persona " + name);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        table.close();
    }
}
