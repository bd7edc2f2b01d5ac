package dev.parley.bench;

/**
 * Reads a top-level or nested field of an event's JSON by scanning the text, for the scenarios whose clients receive
 * tens of thousands of events a second on the same cores as Parley: a full parse would cost more of those cores.
 * Parley's event JSON has no spaces and token text cannot contain an unescaped quote, so the scan is exact.
 */
final class JsonFields {

    private JsonFields() {
    }

    /** The whole number after {@code "field":}, or -1 when absent. */
    static long number(String json, String field) {
        int at = json.indexOf("\"" + field + "\":");
        if (at < 0) {
            return -1;
        }
        int i = at + field.length() + 3;
        long value = 0;
        boolean any = false;
        for (; i < json.length() && Character.isDigit(json.charAt(i)); i++) {
            value = value * 10 + (json.charAt(i) - '0');
            any = true;
        }
        return any ? value : -1;
    }

    /** The string after {@code "field":"} up to the next quote, or null when absent. */
    static String text(String json, String field) {
        int at = json.indexOf("\"" + field + "\":\"");
        if (at < 0) {
            return null;
        }
        int start = at + field.length() + 4;
        int end = json.indexOf('"', start);
        return end < 0 ? null : json.substring(start, end);
    }

    /**
     * The words of the string after {@code "field":"}, counted as runs of characters other than spaces: the
     * simulator's tokens are words, each after a space but the reply's first, so this is a chunk's token count.
     */
    static int words(String json, String field) {
        int at = json.indexOf("\"" + field + "\":\"");
        if (at < 0) {
            return 0;
        }
        int words = 0;
        boolean inWord = false;
        for (int i = at + field.length() + 4; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\') {
                words += inWord ? 0 : 1; // an escaped character is part of a word
                inWord = true;
                i++;
                continue;
            }
            if (c == '"') {
                break;
            }
            boolean space = c == ' ';
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }
}
