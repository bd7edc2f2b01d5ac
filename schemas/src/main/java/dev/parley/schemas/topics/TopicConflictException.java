package dev.parley.schemas.topics;

import java.util.List;

/** Existing topics whose settings differ from the catalogue; Parley never alters them on its own. */
public class TopicConflictException extends RuntimeException {

    private final List<String> conflicts;

    public TopicConflictException(List<String> conflicts) {
        super("existing topics conflict with Parley's topic catalogue (fix them by hand or point Parley at "
                + "another cluster): " + String.join("; ", conflicts));
        this.conflicts = List.copyOf(conflicts);
    }

    /** One entry per topic and setting, e.g. {@code "parley.ledger.v1: partitions 3, expected 6"}. */
    public List<String> conflicts() {
        return conflicts;
    }
}
