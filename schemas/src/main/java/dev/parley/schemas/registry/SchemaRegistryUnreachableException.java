package dev.parley.schemas.registry;

import java.net.URI;
import java.util.List;

/** No configured schema-registry URL answered; transient, so callers should retry rather than dead-letter. */
public class SchemaRegistryUnreachableException extends SchemaRegistryException {

    private final List<URI> urls;

    public SchemaRegistryUnreachableException(List<URI> urls, Throwable cause) {
        super("schema registry unreachable at " + join(urls) + ": " + describe(cause),
                NO_ERROR_CODE, NO_ERROR_CODE, cause);
        this.urls = List.copyOf(urls);
    }

    /** The URLs that were tried, in order. */
    public List<URI> urls() {
        return urls;
    }

    private static String join(List<URI> urls) {
        return String.join(", ", urls.stream().map(URI::toString).toList());
    }

    private static String describe(Throwable cause) {
        // ConnectException often has a null message; the class name is then the useful part
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + " " + message;
    }
}
