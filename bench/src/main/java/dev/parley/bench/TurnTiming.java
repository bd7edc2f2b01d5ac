package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.schemas.trace.HopTimes;
import java.util.Arrays;

/**
 * One streamed reply as its client saw it, in milliseconds from just before the request: the first and the last
 * token, the end of the stream ({@code done} through Parley, {@code [DONE]} from the simulator), and the gaps between
 * consecutive tokens (inter-token latency as received).
 */
record TurnTiming(double firstToken, double lastToken, double end, double[] gaps, int tokens) {

    /** Times one reply's tokens as they arrive; started when created. Used by one thread. */
    static final class Clock {
        private final long start = System.nanoTime();
        /** When the request was sent, on the hop times' clock (epoch microseconds). */
        final long sentMicros = HopTimes.now();
        /** The hop times of the last token received, which the next token completes with its acknowledgement. */
        JsonNode previousHops;
        private long first = -1;
        private long last = -1;
        private double[] gaps = new double[64];
        private int tokens;

        /** Counts a token received now; true when it is the reply's first. */
        boolean token() {
            long now = System.nanoTime();
            if (tokens == 0) {
                first = now;
            } else {
                if (tokens > gaps.length) {
                    gaps = Arrays.copyOf(gaps, gaps.length * 2);
                }
                gaps[tokens - 1] = (now - last) / 1e6;
            }
            last = now;
            return ++tokens == 1;
        }

        int tokens() {
            return tokens;
        }

        /** The reply ended now; fails unless exactly {@code expectedTokens} tokens came. */
        TurnTiming end(int expectedTokens) {
            long end = System.nanoTime();
            if (tokens != expectedTokens) {
                throw new IllegalStateException(tokens + " tokens of " + expectedTokens);
            }
            return new TurnTiming((first - start) / 1e6, (last - start) / 1e6, (end - start) / 1e6,
                Arrays.copyOf(gaps, Math.max(0, tokens - 1)), tokens);
        }
    }
}
