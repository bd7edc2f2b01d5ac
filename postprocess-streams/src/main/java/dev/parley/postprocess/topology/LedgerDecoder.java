package dev.parley.postprocess.topology;

import dev.parley.avro.DeadLetter;
import dev.parley.avro.LedgerEvent;
import dev.parley.schemas.serde.DecodeFailures;
import dev.parley.schemas.topics.DeadLetters;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes ledger records for the rest of the topology; one that cannot be decoded goes to the DLQ with the reason
 * and the application moves on (decoding here rather than in the source keeps the original bytes for the letter).
 * A record that fails for want of the schema registry is not the record's fault ({@link DecodeFailures}): it is
 * tried again for a few seconds, then the stream thread fails without a letter and is replaced, and the task reads
 * the record again from its last commit (exactly-once: nothing of the aborted transaction is kept).
 */
final class LedgerDecoder implements Processor<String, byte[], String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerDecoder.class);
    /** How long one record may wait in place for the registry: well inside Streams' 10 s EOS transaction timeout. */
    static final Duration REGISTRY_WAIT = Duration.ofSeconds(3);
    private static final Duration REGISTRY_RETRY = Duration.ofMillis(250);

    private final Deserializer<LedgerEvent> ledger;
    private final String consumerName;
    private final String next;
    private final Duration registryWait;
    private ProcessorContext<String, SpecificRecord> context;

    /** {@code next}: the processor that gets every decoded event. */
    LedgerDecoder(Deserializer<LedgerEvent> ledger, String consumerName, String next) {
        this(ledger, consumerName, next, REGISTRY_WAIT);
    }

    /** With another wait for an unreachable registry (tests use zero). */
    LedgerDecoder(Deserializer<LedgerEvent> ledger, String consumerName, String next, Duration registryWait) {
        this.ledger = ledger;
        this.consumerName = consumerName;
        this.next = next;
        this.registryWait = registryWait;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata where = context.recordMetadata().orElseThrow();
        LedgerEvent event;
        try {
            if (record.value() == null) {
                throw new IllegalArgumentException("a ledger record without a value");
            }
            event = decode(where, record.value());
            if (record.key() == null || !record.key().equals(event.getSessionId())) {
                throw new IllegalArgumentException("the record key " + record.key() + " is not the event's session "
                    + event.getSessionId());
            }
        } catch (StreamsException registryDown) {
            throw registryDown; // the registry's fault, not the record's: no letter
        } catch (RuntimeException undecodable) {
            LOG.warn("Dead-lettering {}-{}@{}: {}", where.topic(), where.partition(), where.offset(),
                undecodable.getMessage());
            context.forward(record.withValue(deadLetter(where, record, undecodable)), PostprocessTopology.DLQ_SINK);
            return;
        }
        context.forward(record.withValue(event), next);
    }

    /** Decodes, waiting up to {@link #registryWait} for an unreachable registry; then fails the thread, not the record. */
    private LedgerEvent decode(RecordMetadata where, byte[] value) {
        long deadline = System.nanoTime() + registryWait.toNanos();
        while (true) {
            try {
                return ledger.deserialize(where.topic(), value);
            } catch (RuntimeException e) {
                if (!DecodeFailures.isTransient(e)) {
                    throw e;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new StreamsException("cannot decode " + where.topic() + "-" + where.partition() + "@"
                        + where.offset() + " until the schema registry answers; the record will be read again", e);
                }
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(REGISTRY_RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    private DeadLetter deadLetter(RecordMetadata where, Record<String, byte[]> record, RuntimeException error) {
        return DeadLetters.of(where.topic(), where.partition(), where.offset(), record.key(), record.value(),
            error.getMessage(), error, consumerName, Instant.ofEpochMilli(record.timestamp()));
    }
}
