package dev.parley.kafka.registry;

import dev.parley.kafka.registry.SchemaRecords.ConfigEntry;
import dev.parley.kafka.registry.SchemaRecords.DeleteSubjectEntry;
import dev.parley.kafka.registry.SchemaRecords.LogRecord;
import dev.parley.kafka.registry.SchemaRecords.SchemaEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The registry's in-memory view, built only by applying {@code _schemas} records in log order, so replaying the
 * log after a restart rebuilds exactly the same ids, versions and configs.
 */
final class RegistryState {

    private final Map<String, TreeMap<Integer, RegisteredSchema>> subjects = new TreeMap<>();
    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    synchronized void apply(LogRecord record) {
        if (record instanceof SchemaEntry entry) {
            applySchema(entry);
        } else if (record instanceof ConfigEntry entry) {
            applyConfig(entry);
        } else if (record instanceof DeleteSubjectEntry entry) {
            applyDeleteSubject(entry);
        }
    }

    private void applySchema(SchemaEntry entry) {
        if (entry.value() == null) {
            TreeMap<Integer, RegisteredSchema> versions = subjects.get(entry.subject());
            if (versions != null) {
                versions.remove(entry.version());
                if (versions.isEmpty()) {
                    subjects.remove(entry.subject());
                }
            }
            return;
        }
        RegisteredSchema schema = entry.value().withSchema(AvroSchemas.normalizeOrKeep(entry.value().schema()));
        subjects.computeIfAbsent(schema.subject(), s -> new TreeMap<>()).put(schema.version(), schema);
        // The first id a schema got stays its id, whatever later records say.
        schemaById.putIfAbsent(schema.id(), schema.schema());
        idBySchema.putIfAbsent(schema.schema(), schema.id());
        maxId = Math.max(maxId, schema.id());
    }

    private void applyConfig(ConfigEntry entry) {
        if (entry.subject() == null) {
            globalLevel = entry.level();
        } else if (entry.level() == null) {
            subjectLevels.remove(entry.subject());
        } else {
            subjectLevels.put(entry.subject(), entry.level());
        }
    }

    private void applyDeleteSubject(DeleteSubjectEntry entry) {
        TreeMap<Integer, RegisteredSchema> versions = subjects.get(entry.subject());
        if (versions != null) {
            versions.headMap(entry.version(), true).replaceAll((version, schema) -> schema.asDeleted());
        }
    }

    /** Every version of the subject, oldest first; soft-deleted ones only when asked for. */
    synchronized List<RegisteredSchema> versions(String subject, boolean includeDeleted) {
        TreeMap<Integer, RegisteredSchema> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream().filter(s -> includeDeleted || !s.deleted()).collect(Collectors.toList());
    }

    /** Subject names in order; a subject whose versions are all soft-deleted only when asked for. */
    synchronized List<String> subjects(boolean includeDeleted) {
        return subjects.entrySet().stream()
                .filter(e -> includeDeleted || e.getValue().values().stream().anyMatch(s -> !s.deleted()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    synchronized Optional<String> schemaById(int id) {
        return Optional.ofNullable(schemaById.get(id));
    }

    /** The id a normalized schema text already has, under any subject. */
    synchronized Optional<Integer> idOf(String normalizedSchema) {
        return Optional.ofNullable(idBySchema.get(normalizedSchema));
    }

    /** Live (not deleted) versions, in subject then version order, that use this id. */
    synchronized List<RegisteredSchema> versionsWithId(int id) {
        return subjects.values().stream()
                .flatMap(versions -> versions.values().stream())
                .filter(s -> s.id() == id && !s.deleted())
                .collect(Collectors.toList());
    }

    synchronized int nextId() {
        return maxId + 1;
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel == null ? CompatibilityLevel.DEFAULT : globalLevel;
    }
}
