package dev.parley.ingest.relay;

/** A start offset beyond the end of its partition: a cursor for a record that does not exist. */
public final class CursorOutOfRangeException extends RuntimeException {

    public CursorOutOfRangeException(int partition, long offset, long endOffset) {
        super("offset " + offset + " is beyond the end of partition " + partition + " (end offset " + endOffset + ")",
                null, false, false);
    }
}
