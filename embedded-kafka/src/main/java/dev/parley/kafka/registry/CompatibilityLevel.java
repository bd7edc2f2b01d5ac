package dev.parley.kafka.registry;

import java.util.Locale;

/** Confluent's compatibility levels: which direction is checked, and against the latest or every version. */
enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** Confluent's default when neither the subject nor the registry has a level set. */
    static final CompatibilityLevel DEFAULT = BACKWARD;

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** The new schema, as reader, must read data written with earlier schemas. */
    boolean backward() {
        return backward;
    }

    /** Earlier schemas, as readers, must read data written with the new schema. */
    boolean forward() {
        return forward;
    }

    /** Checked against every earlier version rather than only the latest. */
    boolean transitive() {
        return transitive;
    }

    static CompatibilityLevel parse(String name) {
        if (name == null) {
            throw RegistryException.invalidCompatibilityLevel(null);
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidCompatibilityLevel(name);
        }
    }
}
