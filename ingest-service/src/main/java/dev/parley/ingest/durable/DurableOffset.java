package dev.parley.ingest.durable;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Durable Streams offset: the Kafka position a read continues from, {@code <partition>_<next offset>} with both
 * numbers zero-padded to the width of their type (10 and 19 digits), so that comparing two offsets as strings
 * compares the positions they encode. The offset is the next record to read: the one after the last event returned.
 */
public record DurableOffset(int partition, long nextOffset) {

    /** The protocol's sentinel for the start of a stream. */
    public static final String START = "-1";
    /** The protocol's sentinel for the current tail of a stream. */
    public static final String NOW = "now";

    private static final Pattern FORMAT = Pattern.compile("\\d{10}_\\d{19}");

    public DurableOffset {
        if (partition < 0 || nextOffset < 0) {
            throw new IllegalArgumentException("invalid offset " + partition + "_" + nextOffset);
        }
    }

    /** The offset in {@code text}, or empty when it is not one this gateway issues. */
    public static Optional<DurableOffset> parse(String text) {
        if (text == null || !FORMAT.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DurableOffset(Integer.parseInt(text.substring(0, 10)),
                    Long.parseLong(text.substring(11))));
        } catch (NumberFormatException e) {
            return Optional.empty(); // more than Integer.MAX_VALUE or Long.MAX_VALUE
        }
    }

    @Override
    public String toString() {
        return String.format("%010d_%019d", partition, nextOffset);
    }
}
