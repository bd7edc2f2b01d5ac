package dev.parley.worker.catalogue;

import java.util.List;

/** The catalogue cannot be used; names every problem found, so one fix-and-restart cycle is enough. */
public final class CatalogueException extends RuntimeException {

    private final List<String> problems;

    public CatalogueException(String source, List<String> problems) {
        super("invalid backend catalogue " + source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
