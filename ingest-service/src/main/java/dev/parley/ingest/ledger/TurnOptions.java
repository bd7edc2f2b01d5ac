package dev.parley.ingest.ledger;

import dev.parley.avro.ContextMessage;
import dev.parley.avro.GenerationSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * How the client asks for a turn to be answered; the worker's router decides the rest.
 *
 * @param route      the route asked for by name, or null to let the router pick
 * @param spotlight  a priority turn
 * @param context    the conversation before the turn as the client supplied it (an OpenAI-compatible request without
 *                   a session); empty for every other turn
 * @param generation the client's generation settings (max tokens, temperature, top_p, stop), validated; null for none
 */
public record TurnOptions(String route, boolean spotlight, List<ContextMessage> context,
                          GenerationSettings generation) {

    /** The most stop sequences a turn may set, as OpenAI accepts. */
    public static final int MAX_STOP_SEQUENCES = 4;
    /** The highest temperature (OpenAI's range, 0 to 2). */
    public static final int MAX_TEMPERATURE = 2;
    /** The highest top_p (0 to 1). */
    public static final int MAX_TOP_P = 1;

    /** No route asked for, not a priority turn. */
    public static final TurnOptions NONE = new TurnOptions(null, false);

    public TurnOptions {
        context = List.copyOf(context);
    }

    public TurnOptions(String route, boolean spotlight, List<ContextMessage> context) {
        this(route, spotlight, context, null);
    }

    public TurnOptions(String route, boolean spotlight) {
        this(route, spotlight, List.of());
    }

    /**
     * The generation settings of validated values, each null when not set: empty stop sequences are dropped (one would
     * stop every reply before its first token), and a turn that sets nothing has none (null).
     */
    public static GenerationSettings generation(Integer maxTokens, Double temperature, Double topP, List<String> stop) {
        List<String> sequences = new ArrayList<>(stop);
        sequences.removeIf(String::isEmpty);
        if (maxTokens == null && temperature == null && topP == null && sequences.isEmpty()) {
            return null;
        }
        return new GenerationSettings(maxTokens, temperature, topP, sequences);
    }
}
