package dev.parley.ingest.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The gateway's Kafka client settings, derived from the shared client config of {@code Env}. */
public final class KafkaClientConfigs {

    // The shared map also carries the serde settings (schema.registry.url, ...); the serdes get the
    // full map, the clients get it without them so Kafka does not warn about unknown keys.

    private KafkaClientConfigs() {
    }

    /** Idempotent, acks=all: a 202 means the record is on every in-sync replica and never duplicated. */
    public static Map<String, Object> producer(Map<String, Object> shared, String clientId) {
        Map<String, Object> config = clientSettings(shared);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // a client waits for the answer: fail within seconds rather than the default two minutes
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }

    /** A consumer with manual assignment only: no group, nothing committed, bytes decoded by the relay. */
    public static Map<String, Object> relayConsumer(Map<String, Object> shared, String clientId,
                                                    boolean readCommitted) {
        Map<String, Object> config = clientSettings(shared);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // only reached when a position fell out of the log (a cursor older than retention): take what is left
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // After a seek (a newcomer that starts behind the others) the consumer sends no new fetch to the broker
        // until its parked one returns: a short fetch wait keeps a newcomer's backlog from waiting up to 500 ms
        // (the default) on a quiet topic, at the cost of an idle fetch every 50 ms per relay.
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        return config;
    }

    public static Map<String, Object> admin(Map<String, Object> shared, String clientId) {
        Map<String, Object> config = clientSettings(shared);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return config;
    }

    private static Map<String, Object> clientSettings(Map<String, Object> shared) {
        Map<String, Object> config = new HashMap<>(shared);
        config.keySet().removeIf(key -> key.startsWith("schema.registry.") || key.equals("auto.register.schemas")
                || key.equals("use.latest.version") || key.equals("specific.avro.reader")
                || key.endsWith(".subject.name.strategy"));
        return config;
    }
}
