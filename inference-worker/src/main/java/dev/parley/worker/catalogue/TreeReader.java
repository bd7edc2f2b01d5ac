package dev.parley.worker.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed reads from a parsed catalogue tree that record a problem (with the value's path) instead of throwing, so the
 * loader can name every problem at once. A getter returns null when the field is absent or its value is bad.
 */
final class TreeReader {

    private final List<String> problems = new ArrayList<>();

    List<String> problems() {
        return problems;
    }

    void problem(String path, String message) {
        problems.add(path + ": " + message);
    }

    /** Records every field of {@code node} not in {@code known}: a misspelt setting must not be silently ignored. */
    void onlyKnown(JsonNode node, String path, Set<String> known) {
        onlyKnown(node, path, known, Set.of());
    }

    /** As {@link #onlyKnown(JsonNode, String, Set)}, leaving out fields the caller reports itself. */
    void onlyKnown(JsonNode node, String path, Set<String> known, Set<String> reportedElsewhere) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name) && !reportedElsewhere.contains(name)) {
                problem(join(path, name), "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** True when {@code node} is an object; records a problem otherwise. */
    boolean object(JsonNode node, String path) {
        if (node != null && node.isObject()) {
            return true;
        }
        problem(path, "must be a mapping of fields, was " + describe(node));
        return false;
    }

    String text(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            problem(join(path, field), "must be a non-empty text, was " + describe(node));
            return null;
        }
        return node.asText().trim();
    }

    Integer integer(JsonNode parent, String field, String path, int min) {
        JsonNode node = parent.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min) {
            problem(join(path, field), "must be a whole number of at least " + min + ", was " + describe(node));
            return null;
        }
        return node.asInt();
    }

    Double number(JsonNode parent, String field, String path, double min, double max) {
        JsonNode node = parent.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isNumber() || !(node.asDouble() >= min && node.asDouble() <= max)) {
            problem(join(path, field), "must be a number from " + min + " to " + max + ", was " + describe(node));
            return null;
        }
        return node.asDouble();
    }

    Boolean bool(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isBoolean()) {
            problem(join(path, field), "must be true or false, was " + describe(node));
            return null;
        }
        return node.asBoolean();
    }

    /** A list of names, e.g. a stage's backends; null (with a problem) when it is not a list of texts. */
    List<String> names(JsonNode node, String path) {
        if (node == null || !node.isArray()) {
            problem(path, "must be a list of names, was " + describe(node));
            return null;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isBlank()) {
                problem(path, "must be a list of names, has " + describe(item));
                return null;
            }
            names.add(item.asText().trim());
        }
        return names;
    }

    static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** The value for an error message; texts are quoted. Never used for key fields. */
    static String describe(JsonNode node) {
        if (absent(node)) {
            return "nothing";
        }
        if (node.isContainerNode()) {
            return node.isArray() ? "a list" : "a mapping";
        }
        return node.isTextual() ? "'" + node.asText() + "'" : node.asText();
    }
}
