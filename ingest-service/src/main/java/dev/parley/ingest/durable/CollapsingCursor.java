package dev.parley.ingest.durable;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code Stream-Cursor} of live responses, computed as the protocol specifies so that CDNs collapsing long-polls
 * never serve one cached answer forever: the number of 20-second intervals since 2024-10-09T00:00:00Z, or, when the
 * client echoes a cursor that is not behind it, that cursor plus 1 to 3600 seconds of jitter.
 */
final class CollapsingCursor {

    private static final long EPOCH_MILLIS = Instant.parse("2024-10-09T00:00:00Z").toEpochMilli();
    private static final long INTERVAL_SECONDS = 20;
    private static final int MAX_JITTER_SECONDS = 3600;

    private CollapsingCursor() {
    }

    /** The cursor to answer to a request that echoed {@code clientCursor} (null when it sent none). */
    static String next(String clientCursor) {
        long current = (System.currentTimeMillis() - EPOCH_MILLIS) / (INTERVAL_SECONDS * 1000);
        long client;
        try {
            client = clientCursor == null ? -1 : Long.parseLong(clientCursor);
        } catch (NumberFormatException e) {
            client = -1;
        }
        if (client < current) {
            return Long.toString(current);
        }
        long jitterSeconds = 1 + ThreadLocalRandom.current().nextInt(MAX_JITTER_SECONDS);
        return Long.toString(client + Math.max(1, (jitterSeconds + INTERVAL_SECONDS - 1) / INTERVAL_SECONDS));
    }
}
