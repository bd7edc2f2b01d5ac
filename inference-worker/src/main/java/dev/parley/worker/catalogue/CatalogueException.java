package dev.parley.worker.catalogue;

import java.util.List;

/** STUB until the catalogue branch lands. */
public class CatalogueException extends RuntimeException {
    public CatalogueException(String m) {
        super(m);
    }

    public List<String> problems() {
        return List.of(getMessage());
    }
}
