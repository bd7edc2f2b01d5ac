package dev.parley.worker;

import dev.parley.avro.BatchTag;
import dev.parley.avro.CancelRequested;
import dev.parley.avro.ContextMessage;
import dev.parley.avro.GenerationSettings;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.Persona;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.TokenChunk;
import dev.parley.avro.UserTurn;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plays the gateway for worker tests: appends turns and cancels, and records every ledger event and chunk. */
final class KafkaProbe implements AutoCloseable {

    private final Map<String, Object> kafka;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerde<LedgerEvent> ledgerSerde;
    private final AvroSerde<SessionSnapshot> snapshotSerde;
    private final AvroSerde<Persona> personaSerde;
    private final List<LedgerEvent> ledger = new CopyOnWriteArrayList<>();
    private final List<TokenChunk> tokens = new CopyOnWriteArrayList<>();
    private final List<Thread> readers = new CopyOnWriteArrayList<>();
    private final List<KafkaConsumer<?, ?>> consumers = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    KafkaProbe(Map<String, Object> kafka) {
        this.kafka = kafka;
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.ledgerSerde = Topics.LEDGER.valueSerde(kafka);
        this.snapshotSerde = Topics.SESSIONS.valueSerde(kafka);
        this.personaSerde = Topics.PERSONAS.valueSerde(kafka);
        read(Topics.LEDGER.name(), Topics.LEDGER.valueSerde(kafka), ledger::add);
        read(Topics.TOKENS.name(), Topics.TOKENS.valueSerde(kafka), tokens::add);
    }

    /** A time-ordered id like the gateway's (UUIDv7). */
    static String newId() {
        return UuidV7.next().toString();
    }

    String turn(String sessionId, String text) {
        return turn(sessionId, text, null, false);
    }

    /** A turn asking for a route by name (null to let the router decide), or a spotlight turn. */
    String turn(String sessionId, String text, String route, boolean spotlight) {
        return turn(sessionId, text, route, spotlight, List.of());
    }

    /** A turn with the conversation before it supplied by its client (UserTurn.context). */
    String turn(String sessionId, String text, String route, boolean spotlight, List<ContextMessage> context) {
        return turn(sessionId, text, route, spotlight, context, null);
    }

    /** A turn sent by {@code principal} (UserTurn.principal; null: without authentication). */
    String turnBy(String principal, String sessionId, String text, String route) {
        return turn(sessionId, text, route, false, List.of(), principal, null);
    }

    /** A turn of a session naming {@code persona} (UserTurn.persona, as the gateway stamps it). */
    String turnWithPersona(String persona, String sessionId, String text) {
        return turn(sessionId, text, null, false, List.of(), null, persona);
    }

    private String turn(String sessionId, String text, String route, boolean spotlight, List<ContextMessage> context,
                        String principal) {
        return turn(sessionId, text, route, spotlight, context, principal, null);
    }

    private String turn(String sessionId, String text, String route, boolean spotlight, List<ContextMessage> context,
                        String principal, String persona) {
        String turnId = newId();
        append(event(sessionId, turnId, UserTurn.newBuilder().setText(text).setClientTurnId(null).setRoute(route)
            .setSpotlight(spotlight).setContext(context).setPrincipal(principal).setPersona(persona).build()));
        return turnId;
    }

    /** A turn with the client's generation settings (UserTurn.generation), on {@code route} (null: the router's). */
    String turnWithGeneration(String sessionId, String text, String route, GenerationSettings generation) {
        String turnId = newId();
        append(event(sessionId, turnId, UserTurn.newBuilder().setText(text).setClientTurnId(null).setRoute(route)
            .setGeneration(generation).build()));
        return turnId;
    }

    /** One agent's turn of a client batch (UserTurn.batch), as the gateway's batch endpoint writes it. */
    String batchTurn(String sessionId, String text, String route, BatchTag batch) {
        String turnId = newId();
        append(event(sessionId, turnId, UserTurn.newBuilder().setText(text).setClientTurnId(null).setRoute(route)
            .setBatch(batch).build()));
        return turnId;
    }

    /** Stores a persona version, as the gateway's PUT /v1/personas/{name} would. */
    void persona(Persona persona) {
        send(new ProducerRecord<>(Topics.PERSONAS.name(), persona.getName(),
            personaSerde.serializer().serialize(Topics.PERSONAS.name(), persona)));
    }

    void cancel(String sessionId, String turnId) {
        append(event(sessionId, turnId, new CancelRequested("test", Instant.now())));
    }

    /** Publishes a session snapshot, as postprocess-streams would. */
    void snapshot(SessionSnapshot snapshot) {
        send(new ProducerRecord<>(Topics.SESSIONS.name(), snapshot.getSessionId(),
            snapshotSerde.serializer().serialize(Topics.SESSIONS.name(), snapshot)));
    }

    /** The ledger partition of a session and the offset of its last record so far. */
    long[] ledgerPosition(String sessionId) {
        int partition = producer.partitionsFor(Topics.LEDGER.name()).size();
        partition = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
            sessionId.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partition;
        Map<String, Object> config = new HashMap<>(kafka);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(Topics.LEDGER.name(), partition);
            return new long[] {partition, consumer.endOffsets(List.of(tp)).get(tp) - 1};
        }
    }

    void appendRaw(String sessionId, byte[] value) {
        send(new ProducerRecord<>(Topics.LEDGER.name(), sessionId, value));
    }

    List<LedgerEvent> events(String turnId) {
        return ledger.stream().filter(e -> e.getTurnId().equals(turnId)).collect(Collectors.toList());
    }

    /** Terminal events (anything but the UserTurn and cancel requests) of the turn. */
    List<LedgerEvent> terminals(String turnId) {
        return events(turnId).stream()
            .filter(e -> !(e.getPayload() instanceof UserTurn) && !(e.getPayload() instanceof CancelRequested))
            .collect(Collectors.toList());
    }

    List<TokenChunk> chunks(String turnId) {
        return tokens.stream().filter(c -> c.getTurnId().equals(turnId)).collect(Collectors.toList());
    }

    List<TokenChunk> chunks(String turnId, int attempt) {
        return chunks(turnId).stream().filter(c -> c.getAttempt() == attempt).collect(Collectors.toList());
    }

    /** The turns in the order their first chunks reached the token topic. */
    List<String> firstChunkOrder(List<String> turnIds) {
        return tokens.stream().map(TokenChunk::getTurnId).filter(turnIds::contains).distinct()
            .collect(Collectors.toList());
    }

    /** The attempt's streamed text: every non-final chunk in order. */
    String streamedText(String turnId, int attempt) {
        return chunks(turnId, attempt).stream().filter(c -> !c.getFinal$()).map(TokenChunk::getText)
            .collect(Collectors.joining());
    }

    private LedgerEvent event(String sessionId, String turnId, Object payload) {
        return LedgerEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setSessionId(sessionId)
            .setTurnId(turnId).setTimestamp(Instant.now()).setProducer("worker-test").setAttempt(0)
            .setPayload(payload).build();
    }

    private void append(LedgerEvent event) {
        send(new ProducerRecord<>(Topics.LEDGER.name(), event.getSessionId(),
            ledgerSerde.serializer().serialize(Topics.LEDGER.name(), event)));
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("append failed", e);
        }
    }

    /** Reads the whole topic into {@code sink}; records the serde cannot decode (a test's garbage) are skipped. */
    private <V extends org.apache.avro.specific.SpecificRecord> void read(String topic, AvroSerde<V> serde,
                                                                           java.util.function.Consumer<V> sink) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        consumers.add(consumer);
        Thread reader = new Thread(() -> {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        try {
                            V value = serde.deserializer().deserialize(topic, record.value());
                            if (value != null) {
                                sink.accept(value);
                            }
                        } catch (org.apache.kafka.common.errors.SerializationException garbage) {
                            // written on purpose by a poison-record test
                        }
                    }
                }
            } catch (WakeupException stop) {
                // closing
            } finally {
                consumer.close();
            }
        }, "probe-" + topic);
        reader.setDaemon(true);
        readers.add(reader);
        reader.start();
    }

    @Override
    public void close() {
        running = false;
        consumers.forEach(KafkaConsumer::wakeup);
        for (Thread reader : readers) {
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close();
        ledgerSerde.close();
        personaSerde.close();
    }
}
