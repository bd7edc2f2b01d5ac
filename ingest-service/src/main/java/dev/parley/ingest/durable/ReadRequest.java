package dev.parley.ingest.durable;

import dev.parley.ingest.ApiException;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.List;

/**
 * The query of a Durable Streams read: {@code offset} ({@code -1}, {@code now} or an offset this gateway issued),
 * {@code live} (absent, {@code long-poll} or {@code sse}), the {@code cursor} echoed for collapsing, and
 * {@code timeout}, the long-poll wait in seconds (the protocol's optional extension).
 *
 * @param from the offset to continue from; null for {@code -1} and {@code now}
 */
record ReadRequest(String offsetText, DurableOffset from, Live live, String cursor, Duration longPollTimeout) {

    /** How a read waits for what comes next. */
    enum Live { NONE, LONG_POLL, SSE }

    /** The long-poll wait when the request names none (the reference server's default). */
    static final Duration DEFAULT_LONG_POLL = Duration.ofSeconds(30);

    /** Parses the query; 400 {@code bad_offset} or {@code bad_request} when it is malformed. */
    static ReadRequest parse(MultiMap params) {
        Live live = live(single(params, "live"));
        String offset = single(params, "offset");
        if (offset == null) {
            if (live != Live.NONE) {
                throw ApiException.badRequest("bad_offset", "a live read needs an offset (-1, now or a "
                        + "Stream-Next-Offset)");
            }
            offset = DurableOffset.START;
        }
        DurableOffset from = null;
        if (!offset.equals(DurableOffset.START) && !offset.equals(DurableOffset.NOW)) {
            String text = offset;
            from = DurableOffset.parse(offset).orElseThrow(() -> ApiException.badRequest("bad_offset", "'" + text
                    + "' is not an offset of this stream: use -1, now or a Stream-Next-Offset it returned"));
        }
        return new ReadRequest(offset, from, live, single(params, "cursor"), timeout(single(params, "timeout")));
    }

    boolean fromNow() {
        return offsetText.equals(DurableOffset.NOW);
    }

    private static Live live(String live) {
        if (live == null) {
            return Live.NONE;
        }
        return switch (live) {
            case "long-poll" -> Live.LONG_POLL;
            case "sse" -> Live.SSE;
            default -> throw ApiException.badRequest("bad_request", "live must be long-poll or sse");
        };
    }

    private static Duration timeout(String seconds) {
        if (seconds == null) {
            return DEFAULT_LONG_POLL;
        }
        try {
            int value = Integer.parseInt(seconds);
            if (value >= 0) {
                return Duration.ofSeconds(Math.min(value, DEFAULT_LONG_POLL.toSeconds()));
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("bad_request", "timeout must be a whole number of seconds from 0 to "
                + DEFAULT_LONG_POLL.toSeconds());
    }

    /** The parameter's one value, null when absent; 400 when it is given twice or empty. */
    private static String single(MultiMap params, String name) {
        List<String> values = params.getAll(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1 || values.get(0).isEmpty()) {
            throw ApiException.badRequest(name.equals("offset") ? "bad_offset" : "bad_request",
                    name + " must be given once, with a value");
        }
        return values.get(0);
    }
}
