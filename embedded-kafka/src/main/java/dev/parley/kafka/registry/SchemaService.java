package dev.parley.kafka.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry's operations (register, look up, check, delete, configure) over the {@code _schemas} store. */
final class SchemaService {

    private static final Logger log = LoggerFactory.getLogger(SchemaService.class);

    private final SchemaStore store;
    private final RegistryState state;
    // Single writer: an id or version is chosen from the state and must still be free when its record lands.
    private final ReentrantLock writeLock = new ReentrantLock();

    SchemaService(SchemaStore store) {
        this.store = store;
        this.state = store.state();
    }

    /** Registers the schema under the subject and returns its id; an already registered schema keeps its id. */
    int register(String subject, String schemaText) {
        Schema schema = AvroSchemas.parse(schemaText);
        String normalized = schema.toString();
        writeLock.lock();
        try {
            List<RegisteredSchema> all = state.versions(subject, true);
            List<RegisteredSchema> live = live(all);
            Optional<RegisteredSchema> existing = find(live, normalized);
            if (existing.isPresent()) {
                return existing.get().id();
            }
            CompatibilityLevel level = level(subject);
            List<String> problems = CompatibilityChecker.incompatibilities(schema, parsed(live), level);
            if (!problems.isEmpty()) {
                throw RegistryException.incompatible("Schema being registered is incompatible with an earlier schema"
                        + " for subject \"" + subject + "\" (" + level + "), details: " + problems);
            }
            int id = state.idOf(normalized).orElseGet(state::nextId);
            // Versions keep counting past soft-deleted ones, as Confluent does.
            int version = all.isEmpty() ? 1 : all.get(all.size() - 1).version() + 1;
            RegisteredSchema registered = new RegisteredSchema(subject, version, id, normalized, false);
            store.write(List.of(new SchemaStore.Entry(
                    SchemaRecords.schemaKey(subject, version), SchemaRecords.schemaValue(registered))));
            log.info("Registered schema id {} as version {} of subject {}", id, version, subject);
            return id;
        } finally {
            writeLock.unlock();
        }
    }

    /** The live version of the subject holding this schema. */
    RegisteredSchema lookup(String subject, String schemaText) {
        String normalized = AvroSchemas.normalize(schemaText);
        List<RegisteredSchema> live = existingSubject(subject);
        return find(live, normalized).orElseThrow(() -> RegistryException.schemaNotFound("Schema not found"));
    }

    String schemaById(int id) {
        return state.schemaById(id).orElseThrow(() -> schemaIdNotFound(id));
    }

    List<RegisteredSchema> versionsWithId(int id) {
        schemaById(id);
        return state.versionsWithId(id);
    }

    List<String> subjects(boolean includeDeleted) {
        return state.subjects(includeDeleted);
    }

    List<Integer> versions(String subject, boolean includeDeleted) {
        List<RegisteredSchema> versions = state.versions(subject, includeDeleted);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions.stream().map(RegisteredSchema::version).collect(Collectors.toList());
    }

    RegisteredSchema version(String subject, String versionText, boolean includeDeleted) {
        VersionId versionId = VersionId.parse(versionText);
        List<RegisteredSchema> versions = state.versions(subject, includeDeleted);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versionId.pick(versions);
    }

    /** Why the schema could not follow the given version (or, for latest, the subject's history); empty if it can. */
    List<String> testCompatibility(String subject, String versionText, String schemaText) {
        VersionId versionId = VersionId.parse(versionText);
        Schema candidate = AvroSchemas.parse(schemaText);
        List<RegisteredSchema> live = state.versions(subject, false);
        if (versionId.isLatest()) {
            return CompatibilityChecker.incompatibilities(candidate, parsed(live), level(subject));
        }
        if (live.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        RegisteredSchema earlier = versionId.pick(live);
        return CompatibilityChecker.incompatibilities(candidate, parsed(List.of(earlier)), level(subject));
    }

    /** Soft-deletes every live version (and the subject's config, as Confluent does); returns the versions. */
    List<Integer> deleteSubject(String subject) {
        writeLock.lock();
        try {
            List<RegisteredSchema> live = existingSubject(subject);
            List<SchemaStore.Entry> entries = new ArrayList<>();
            for (RegisteredSchema schema : live) {
                entries.add(new SchemaStore.Entry(SchemaRecords.schemaKey(subject, schema.version()),
                        SchemaRecords.schemaValue(schema.asDeleted())));
            }
            if (state.subjectLevel(subject).isPresent()) {
                entries.add(new SchemaStore.Entry(SchemaRecords.configKey(subject), null));
            }
            store.write(entries);
            log.info("Deleted subject {}", subject);
            return live.stream().map(RegisteredSchema::version).collect(Collectors.toList());
        } finally {
            writeLock.unlock();
        }
    }

    CompatibilityLevel globalLevel() {
        return state.globalLevel();
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        return state.subjectLevel(subject);
    }

    /** Sets the subject's level, or the global one for a null subject. */
    void setLevel(String subjectOrNull, CompatibilityLevel level) {
        writeLock.lock();
        try {
            store.write(List.of(new SchemaStore.Entry(
                    SchemaRecords.configKey(subjectOrNull), SchemaRecords.configValue(level))));
        } finally {
            writeLock.unlock();
        }
    }

    /** Removes the subject's own level and returns it, so the global level applies again. */
    CompatibilityLevel deleteSubjectLevel(String subject) {
        writeLock.lock();
        try {
            CompatibilityLevel removed = state.subjectLevel(subject)
                    .orElseThrow(() -> RegistryException.subjectNotFound(subject));
            store.write(List.of(new SchemaStore.Entry(SchemaRecords.configKey(subject), null)));
            return removed;
        } finally {
            writeLock.unlock();
        }
    }

    private CompatibilityLevel level(String subject) {
        return state.subjectLevel(subject).orElseGet(state::globalLevel);
    }

    private List<RegisteredSchema> existingSubject(String subject) {
        List<RegisteredSchema> live = state.versions(subject, false);
        if (live.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return live;
    }

    private static List<RegisteredSchema> live(List<RegisteredSchema> versions) {
        return versions.stream().filter(s -> !s.deleted()).collect(Collectors.toList());
    }

    private static Optional<RegisteredSchema> find(List<RegisteredSchema> versions, String normalized) {
        return versions.stream().filter(s -> s.schema().equals(normalized)).findFirst();
    }

    private static SortedMap<Integer, Schema> parsed(List<RegisteredSchema> versions) {
        SortedMap<Integer, Schema> byVersion = new TreeMap<>();
        for (RegisteredSchema schema : versions) {
            byVersion.put(schema.version(), AvroSchemas.parse(schema.schema()));
        }
        return byVersion;
    }

    private static RegistryException schemaIdNotFound(int id) {
        return RegistryException.schemaNotFound("Schema " + id + " not found");
    }
}
