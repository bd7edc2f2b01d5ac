package dev.parley.ingest.ledger;

/**
 * How the client asks for a turn to be answered; the worker's router decides the rest.
 *
 * @param route     the route asked for by name, or null to let the router pick
 * @param spotlight a priority turn
 */
public record TurnOptions(String route, boolean spotlight) {

    /** No route asked for, not a priority turn. */
    public static final TurnOptions NONE = new TurnOptions(null, false);
}
