package dev.parley.kafka.registry;

import java.util.List;

/** A version in a URL: a positive number, or {@code latest} (also spelled {@code -1}, as Confluent allows). */
final class VersionId {

    private static final int LATEST = -1;

    private final int version;

    private VersionId(int version) {
        this.version = version;
    }

    static VersionId parse(String text) {
        if ("latest".equalsIgnoreCase(text)) {
            return new VersionId(LATEST);
        }
        try {
            int version = Integer.parseInt(text);
            if (version == LATEST || version >= 1) {
                return new VersionId(version);
            }
        } catch (NumberFormatException e) {
            // falls through to the registry's own error code
        }
        throw RegistryException.invalidVersion(text);
    }

    boolean isLatest() {
        return version == LATEST;
    }

    /** This version out of a subject's versions (oldest first, never empty). */
    RegisteredSchema pick(List<RegisteredSchema> versions) {
        if (isLatest()) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream()
                .filter(s -> s.version() == version)
                .findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(version));
    }
}
