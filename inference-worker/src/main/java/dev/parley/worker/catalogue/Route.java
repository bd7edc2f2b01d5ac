package dev.parley.worker.catalogue;

import java.util.List;

/** STUB until the catalogue branch lands. */
public record Route(String name, List<Stage> stages) {
    public boolean staged() {
        return stages.size() > 1 || !stages.get(0).name().equals("answer");
    }
}
