package dev.parley.schemas.config;

/** The inference workers' consumer group: workers join it, the gateway checks that its members hold the ledger. */
public final class WorkerGroup {

    // One key and one default for both: a gateway reading another default would watch a group nobody joins.

    /** The environment variable naming the group. */
    public static final String KEY = "PARLEY_WORKER_GROUP";

    /** The group when {@link #KEY} is unset. */
    public static final String DEFAULT = "parley-inference-worker";

    private WorkerGroup() {
    }

    /** The group id from {@code env}; a value with whitespace is recorded as an error in {@code env}. */
    public static String fromEnvironment(Env env) {
        String group = env.string(KEY, DEFAULT);
        if (group.chars().anyMatch(Character::isWhitespace)) {
            env.error(KEY + "=" + group + " must not contain whitespace");
            return DEFAULT;
        }
        return group;
    }
}
