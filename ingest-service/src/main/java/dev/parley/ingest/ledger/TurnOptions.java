package dev.parley.ingest.ledger;

import dev.parley.avro.ContextMessage;
import dev.parley.avro.GenerationSettings;
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
}
