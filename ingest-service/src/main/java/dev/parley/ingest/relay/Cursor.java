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
            if (!partition.chars().allMatch(Cursor::isAsciiDigit) || !(offset.equals("-1")
                    || offset.chars().allMatch(Cursor::isAsciiDigit))) {
                return Optional.empty();
            }
            long parsed = Long.parseLong(offset);
            if (parsed == Long.MAX_VALUE) {
                return Optional.empty(); // no record has it, and the resume position after it would overflow
            }
            return Optional.of(new Cursor(Integer.parseInt(partition), parsed));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** 0 to 9 only: Character.isDigit (and Long.parseLong) would also take other scripts' digits. */
    private static boolean isAsciiDigit(int c) {
        return c >= '0' && c <= '9';
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
