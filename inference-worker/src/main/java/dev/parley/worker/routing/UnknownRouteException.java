package dev.parley.worker.routing;

/** STUB until the catalogue branch lands. */
public class UnknownRouteException extends RuntimeException {
    public UnknownRouteException(String message) {
        super(message);
    }
}
