package dev.parley.postprocess.topology;

import dev.parley.avro.Commitment;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionSnapshot;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each session's snapshot in a store and emits every change: the snapshot, the commitments it opened or
 * closed, the summary event when it folded turns away, the usage of a turn that ended and a session opened or named
 * by its first turn (both keyed by principal).
 */
final class SessionSnapshotProcessor implements Processor<String, LedgerEvent, String, SpecificRecord> {

    private final SnapshotUpdater updater;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, SessionSnapshot> snapshots;

    SessionSnapshotProcessor(SnapshotUpdater updater) {
        this.updater = updater;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.snapshots = context.getStateStore(PostprocessTopology.SNAPSHOT_STORE);
    }

    @Override
    public void process(Record<String, LedgerEvent> record) {
        RecordMetadata where = context.recordMetadata().orElseThrow();
        SnapshotUpdater.Update update = updater.apply(snapshots.get(record.key()), record.value(), where.partition(),
            where.offset());
        if (update.snapshot() == null) {
            return;
        }
        snapshots.put(record.key(), update.snapshot());
        for (Commitment commitment : update.commitments()) {
            context.forward(new Record<String, SpecificRecord>(commitment.getCommitmentId(), commitment,
                record.timestamp()), PostprocessTopology.COMMITMENTS_SINK);
        }
        if (update.summary() != null) {
            context.forward(record.withValue((SpecificRecord) update.summary()), PostprocessTopology.SUMMARIES_SINK);
        }
        context.forward(record.withValue((SpecificRecord) update.snapshot()), PostprocessTopology.SESSIONS_SINK);
        if (update.turnEnded() != null) {
            // re-keyed by principal: Streams repartitions it to the task that owns the principal's totals
            context.forward(new Record<String, SpecificRecord>(update.turnEnded().getPrincipal(), update.turnEnded(),
                record.timestamp()), PostprocessTopology.TURN_USAGE);
        }
        if (update.listed() != null) {
            // re-keyed by principal like the usage: one task owns each principal's session list
            context.forward(new Record<String, SpecificRecord>(update.listed().getPrincipal(), update.listed(),
                record.timestamp()), PostprocessTopology.SESSION_LISTING);
        }
    }
}
