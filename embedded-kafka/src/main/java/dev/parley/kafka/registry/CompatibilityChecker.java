package dev.parley.kafka.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/** Decides whether a new schema may follow earlier versions under a compatibility level, using Avro's own rules. */
final class CompatibilityChecker {

    private CompatibilityChecker() {
    }

    /**
     * Returns why {@code candidate} breaks {@code level} against {@code earlierByVersion} (oldest first); an empty
     * list means compatible. Non-transitive levels look only at the latest earlier version.
     */
    static List<String> incompatibilities(Schema candidate, SortedMap<Integer, Schema> earlierByVersion,
            CompatibilityLevel level) {
        if (level == CompatibilityLevel.NONE || earlierByVersion.isEmpty()) {
            return List.of();
        }
        SortedMap<Integer, Schema> against = level.transitive()
                ? earlierByVersion
                : earlierByVersion.tailMap(earlierByVersion.lastKey());
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Integer, Schema> earlier : against.entrySet()) {
            int version = earlier.getKey();
            if (level.backward()) {
                problems.addAll(describe(candidate, earlier.getValue(),
                        "the new schema cannot read data written with version " + version));
            }
            if (level.forward()) {
                problems.addAll(describe(earlier.getValue(), candidate,
                        "version " + version + " cannot read data written with the new schema"));
            }
        }
        return problems;
    }

    private static List<String> describe(Schema reader, Schema writer, String direction) {
        List<String> problems = new ArrayList<>();
        for (Incompatibility incompatibility : SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult().getIncompatibilities()) {
            problems.add(direction + ": " + incompatibility.getType() + " at '" + incompatibility.getLocation()
                    + "' (" + incompatibility.getMessage() + ")");
        }
        return problems;
    }
}
