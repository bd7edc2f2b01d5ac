package dev.parley.ingest.relay;

/** A start offset that retention has already dropped: the records from there to the log start are gone. */
public final class OffsetExpiredException extends RuntimeException {

    public OffsetExpiredException(int partition, long offset, long logStartOffset) {
        super("offset " + offset + " of partition " + partition + " is no longer retained (the log starts at "
                + logStartOffset + ")", null, false, false);
    }
}
