package dev.parley.ingest.relay;

import java.util.Optional;

/**
 * A resume position {@code <partition>-<offset>}: the last record a client has handled. Offset -1
 * means "before the first record".
 */
public record Cursor(int partition, long offset) {

    public Cursor {
        if (partition < 0 || offset < -1) {
            throw new IllegalArgumentException("invalid cursor " + partition + "-" + offset);
        }
    }

    /** The cursor in {@code text}, or empty when it is not {@code <partition>-<offset>}. */
    public static Optional<Cursor> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int dash = text.indexOf('-');
        if (dash <= 0 || dash > 10 || dash == text.length() - 1) {
            return Optional.empty();
        }
        try {
            String partition = text.substring(0, dash);
            String offset = text.substring(dash + 1);
            if (!partition.chars().allMatch(Character::isDigit) || !(offset.equals("-1")
                    || offset.chars().allMatch(Character::isDigit))) {
                return Optional.empty();
            }
            return Optional.of(new Cursor(Integer.parseInt(partition), Long.parseLong(offset)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The first offset after this cursor: where a resume starts. */
    public long nextOffset() {
        return offset + 1;
    }

    @Override
    public String toString() {
        return partition + "-" + offset;
    }
}
