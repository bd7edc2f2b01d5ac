package dev.parley.postprocess.topology;

import dev.parley.avro.DeadLetter;
import dev.parley.avro.LedgerEvent;
import dev.parley.schemas.topics.DeadLetters;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes ledger records for the rest of the topology; one that cannot be decoded goes to the DLQ with the reason
 * and the application moves on (decoding here rather than in the source keeps the original bytes for the letter).
 */
final class LedgerDecoder implements Processor<String, byte[], String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerDecoder.class);

    private final Deserializer<LedgerEvent> ledger;
    private final String consumerName;
    private final String next;
    private ProcessorContext<String, SpecificRecord> context;

    /** {@code next}: the processor that gets every decoded event. */
    LedgerDecoder(Deserializer<LedgerEvent> ledger, String consumerName, String next) {
        this.ledger = ledger;
        this.consumerName = consumerName;
        this.next = next;
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
            event = ledger.deserialize(where.topic(), record.value());
            if (record.key() == null || !record.key().equals(event.getSessionId())) {
                throw new IllegalArgumentException("the record key " + record.key() + " is not the event's session "
                    + event.getSessionId());
            }
        } catch (RuntimeException undecodable) {
            LOG.warn("Dead-lettering {}-{}@{}: {}", where.topic(), where.partition(), where.offset(),
                undecodable.getMessage());
            context.forward(record.withValue(deadLetter(where, record, undecodable)), PostprocessTopology.DLQ_SINK);
            return;
        }
        context.forward(record.withValue(event), next);
    }

    private DeadLetter deadLetter(RecordMetadata where, Record<String, byte[]> record, RuntimeException error) {
        return DeadLetters.of(where.topic(), where.partition(), where.offset(), record.key(), record.value(),
            error.getMessage(), error, consumerName, Instant.ofEpochMilli(record.timestamp()));
    }
}
