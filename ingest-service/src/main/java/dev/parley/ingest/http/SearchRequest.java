package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;

/** A validated search of a session's turns: the query text and how many results to return. */
public record SearchRequest(String query, int k) {

    /** The longest query accepted, in characters (code points); a search query is a question, not a document. */
    static final int MAX_QUERY_CHARS = 1_000;
    static final int DEFAULT_K = 5;
    static final int MAX_K = 50;

    /** Reads {@code ?q=} and {@code ?k=}; throws 400 missing_query, query_too_long or bad_k. */
    public static SearchRequest parse(String q, String k) {
        if (q == null || q.isBlank()) {
            throw ApiException.badRequest("missing_query", "q must be a non-empty search text");
        }
        int chars = q.codePointCount(0, q.length());
        if (chars > MAX_QUERY_CHARS) {
            throw ApiException.badRequest("query_too_long",
                    "q is " + chars + " characters; the limit is " + MAX_QUERY_CHARS);
        }
        return new SearchRequest(q, k(k));
    }

    private static int k(String k) {
        return QueryCounts.parse("k", k, DEFAULT_K, MAX_K);
    }
}
