package dev.parley.worker.simulator;

import dev.parley.schemas.config.Env;
import java.time.Duration;
import java.util.Objects;

/**
 * The simulator's defaults for requests that carry no {@code #sim:} directives.
 *
 * @param timeToFirstToken  delay before the first token
 * @param interTokenLatency delay between tokens
 * @param replyTokens       length of a generated reply
 * @param defaultFault      a fault played on every request that names none, or null for none
 */
public record SimulatorConfig(Duration timeToFirstToken, Duration interTokenLatency, int replyTokens,
                              Fault defaultFault) {

    public static final String TTFT_MS = "PARLEY_SIM_TTFT_MS";
    public static final String ITL_MS = "PARLEY_SIM_ITL_MS";
    public static final String TOKENS = "PARLEY_SIM_TOKENS";
    public static final String FAULT = "PARLEY_SIM_FAULT";

    public static final Duration DEFAULT_TTFT = Duration.ofMillis(50);
    public static final Duration DEFAULT_ITL = Duration.ofMillis(10);
    public static final int DEFAULT_TOKENS = 40;

    public SimulatorConfig {
        requireMillis(timeToFirstToken, "timeToFirstToken");
        requireMillis(interTokenLatency, "interTokenLatency");
        if (replyTokens < 0 || replyTokens > DirectiveParser.MAX_TOKENS) {
            throw new IllegalArgumentException("replyTokens must be from 0 to " + DirectiveParser.MAX_TOKENS);
        }
    }

    /** 50 ms to the first token, 10 ms between tokens, 40 tokens, no fault. */
    public static SimulatorConfig defaults() {
        return new SimulatorConfig(DEFAULT_TTFT, DEFAULT_ITL, DEFAULT_TOKENS, null);
    }

    /**
     * Reads the {@code PARLEY_SIM_*} settings. Bad values are recorded in {@code env} (defaults stand in for them),
     * so the caller's {@link Env#validate()} names them together with every other bad setting.
     */
    public static SimulatorConfig fromEnvironment(Env env) {
        Duration ttft = env.millis(TTFT_MS, DEFAULT_TTFT);
        Duration itl = env.millis(ITL_MS, DEFAULT_ITL);
        int tokens = env.integer(TOKENS, DEFAULT_TOKENS, 0, DirectiveParser.MAX_TOKENS);
        String faultText = env.string(FAULT, null);
        Fault fault = null;
        if (faultText != null) {
            try {
                fault = Fault.parse(faultText);
            } catch (IllegalArgumentException e) {
                env.error(FAULT + "=" + faultText + ": " + e.getMessage());
            }
        }
        return new SimulatorConfig(ttft, itl, tokens, fault);
    }

    public SimulatorConfig withTimeToFirstToken(Duration timeToFirstToken) {
        return new SimulatorConfig(timeToFirstToken, interTokenLatency, replyTokens, defaultFault);
    }

    public SimulatorConfig withInterTokenLatency(Duration interTokenLatency) {
        return new SimulatorConfig(timeToFirstToken, interTokenLatency, replyTokens, defaultFault);
    }

    public SimulatorConfig withReplyTokens(int replyTokens) {
        return new SimulatorConfig(timeToFirstToken, interTokenLatency, replyTokens, defaultFault);
    }

    public SimulatorConfig withDefaultFault(Fault defaultFault) {
        return new SimulatorConfig(timeToFirstToken, interTokenLatency, replyTokens, defaultFault);
    }

    private static void requireMillis(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.toMillis() > DirectiveParser.MAX_MILLIS) {
            throw new IllegalArgumentException(name + " must be from 0 to " + DirectiveParser.MAX_MILLIS + " ms");
        }
    }
}
