package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;

/** A whole-number query parameter that says how many results to return. */
final class QueryCounts {

    private QueryCounts() {
    }

    /** {@code value} from 1 to {@code max}, {@code absent} when not given; else 400 bad_{name}. */
    static int parse(String name, String value, int absent, int max) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 1 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("bad_" + name,
                name + " must be a whole number from 1 to " + max + ", was '" + value + "'");
    }
}
