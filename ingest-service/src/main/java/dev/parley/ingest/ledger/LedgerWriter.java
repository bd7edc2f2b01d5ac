package dev.parley.ingest.ledger;

import dev.parley.avro.LedgerEvent;
import dev.parley.ingest.ApiException;
import dev.parley.ingest.kafka.OnContext;
import dev.parley.schemas.telemetry.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Appends the gateway's events to the ledger and completes once Kafka has acknowledged them. */
public final class LedgerWriter implements AutoCloseable {

    // Producer.send() can block (metadata for a topic it has not seen, a full buffer, the schema
    // registry on the first record of a type), so it runs on one sender thread, never an event loop.
    // One thread also keeps the sends in call order.

    private static final Logger log = LoggerFactory.getLogger(LedgerWriter.class);

    private final Producer<String, LedgerEvent> producer;
    private final String topic;
    private final ExecutorService sender;

    /** Takes ownership of {@code producer} (idempotent, acks=all). */
    public LedgerWriter(Producer<String, LedgerEvent> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
        this.sender = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "parley-ledger-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Appends {@code event} with its session id as key. The future completes on the caller's context
     * after the acknowledgement, or fails with a 500 kafka_write_failed {@link ApiException}.
     */
    public Future<RecordMetadata> append(LedgerEvent event) {
        return append(event, TurnArrival.NONE);
    }

    /** Like {@link #append(LedgerEvent)}, with when the gateway received the turn and its trace, as headers. */
    Future<RecordMetadata> append(LedgerEvent event, TurnArrival arrival) {
        Executor onContext = OnContext.current();
        Promise<RecordMetadata> promise = Promise.promise();
        ProducerRecord<String, LedgerEvent> record = new ProducerRecord<>(topic, event.getSessionId(), event);
        arrival.addTo(record.headers(), event.getSessionId(), event.getTurnId());
        try {
            sender.execute(() -> send(record, onContext, promise));
        } catch (RejectedExecutionException e) {
            promise.fail(ApiException.kafkaWriteFailed(e));
        }
        return promise.future();
    }

    private void send(ProducerRecord<String, LedgerEvent> record, Executor onContext,
                      Promise<RecordMetadata> promise) {
        try {
            producer.send(record, (metadata, error) -> onContext.execute(() -> {
                if (error != null) {
                    log.warn("Ledger append for session {} failed: {}", record.key(), error.toString());
                    promise.fail(ApiException.kafkaWriteFailed(error));
                } else {
                    promise.complete(metadata);
                }
            }));
        } catch (RuntimeException e) {
            log.warn("Ledger append for session {} failed: {}", record.key(), e.toString());
            onContext.execute(() -> promise.fail(ApiException.kafkaWriteFailed(e)));
        }
    }

    /** Exposes the producer's own metrics (request latency, retries, ...) on {@code metrics}. */
    public void bindMetrics(ServiceMetrics metrics) {
        metrics.bind(producer);
    }

    /** Sends what was accepted, then closes the producer. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Ledger writer still busy after 10 s; closing the producer anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
