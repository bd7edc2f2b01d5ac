package dev.parley.worker.catalogue;

import java.util.List;

/** STUB until the catalogue branch lands. */
public record Stage(String name, List<String> backends, Float confidence) {
}
