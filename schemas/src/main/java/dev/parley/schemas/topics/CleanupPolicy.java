package dev.parley.schemas.topics;

/** A topic's {@code cleanup.policy}: delete old segments, or keep the latest record per key. */
public enum CleanupPolicy {
    DELETE("delete"),
    COMPACT("compact");

    private final String configValue;

    CleanupPolicy(String configValue) {
        this.configValue = configValue;
    }

    /** The value of the {@code cleanup.policy} topic config. */
    public String configValue() {
        return configValue;
    }
}
