package dev.parley.schemas.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One service's Prometheus registry, the one home of what every service's {@code /metrics} shares: the
 * {@code service} tag, the JVM and process meters, and the binders that expose each Kafka client's own metrics
 * ({@code kafka_consumer_*}, {@code kafka_producer_*}, {@code kafka_stream_*}: fetch lag, request latency, ...).
 * Kafka's metrics are read when Prometheus scrapes, never on the token path.
 */
public final class ServiceMetrics implements AutoCloseable {

    /** How often the Kafka binders look for metrics a client registered since (a new partition, a new task). */
    static final Duration KAFKA_REFRESH = Duration.ofSeconds(10);

    private final PrometheusMeterRegistry registry;
    private final List<AutoCloseable> binders = new ArrayList<>();
    /** One thread for every Kafka binder of the service: each would otherwise start its own. */
    private final ScheduledExecutorService kafkaRefresh;

    /** A registry whose every meter is tagged {@code service=<service>}, with the JVM and process meters bound. */
    public ServiceMetrics(String service) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        this.kafkaRefresh = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-metrics-kafka-" + service);
            t.setDaemon(true);
            return t;
        });
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text of every meter (blocking: reads Kafka's metrics; call it off an event loop). */
    public String scrape() {
        return registry.scrape();
    }

    /** Exposes a consumer's metrics (its records-lag-max is the consumer lag of its group) until closed. */
    public void bind(Consumer<?, ?> consumer) {
        bindKafka(new KafkaClientMetrics(consumer, List.of(), kafkaRefresh, KAFKA_REFRESH));
    }

    public void bind(Producer<?, ?> producer) {
        bindKafka(new KafkaClientMetrics(producer, List.of(), kafkaRefresh, KAFKA_REFRESH));
    }

    /** Every client of a Streams application, and its processing metrics (record end-to-end latency). */
    public void bindStreams(KafkaStreams streams) {
        KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams, List.of(), kafkaRefresh, KAFKA_REFRESH);
        metrics.bindTo(registry);
        binders.add(metrics);
    }

    private void bindKafka(KafkaClientMetrics metrics) {
        metrics.bindTo(registry);
        binders.add(metrics);
    }

    /** A latency histogram in seconds with Prometheus buckets from 1 ms to 2 minutes. */
    public static Timer latency(MeterRegistry registry, String name, String description, String... tags) {
        return Timer.builder(name).description(description).tags(tags)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(120))
            .register(registry);
    }

    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                // a binder of a client already closed: nothing left to release
            }
        }
        kafkaRefresh.shutdownNow();
        registry.close();
    }
}
