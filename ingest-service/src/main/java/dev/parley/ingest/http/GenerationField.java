package dev.parley.ingest.http;

import dev.parley.avro.GenerationSettings;
import dev.parley.ingest.ApiException;
import dev.parley.ingest.ledger.TurnOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The native API's optional {@code generation} object ({@code maxTokens}, {@code temperature}, {@code topP},
 * {@code stop}): the same settings and limits as the OpenAI-compatible API's, each refused with 400 bad_generation
 * naming the field.
 */
final class GenerationField {

    private static final Set<String> KNOWN = Set.of("maxTokens", "temperature", "topP", "stop");
    private static final int MAX_STOP = TurnOptions.MAX_STOP_SEQUENCES;

    private GenerationField() {
    }

    /** The settings in {@code value} (JSON null or absent: none, and an empty object too). */
    static GenerationSettings parse(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject json)) {
            throw bad("generation", "must be an object with maxTokens, temperature, topP or stop");
        }
        for (String key : json.fieldNames()) {
            if (!KNOWN.contains(key)) {
                throw bad("generation." + key, "is not a setting; use maxTokens, temperature, topP or stop");
            }
        }
        Integer maxTokens = maxTokens(json.getValue("maxTokens"));
        Double temperature = between(json.getValue("temperature"), "temperature", TurnOptions.MAX_TEMPERATURE);
        Double topP = between(json.getValue("topP"), "topP", TurnOptions.MAX_TOP_P);
        return TurnOptions.generation(maxTokens, temperature, topP, stop(json.getValue("stop")));
    }

    private static Integer maxTokens(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
                || ((Number) value).longValue() > Integer.MAX_VALUE) {
            throw bad("generation.maxTokens", "must be a whole number from 1 to " + Integer.MAX_VALUE);
        }
        return ((Number) value).intValue();
    }

    private static Double between(Object value, String name, int max) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number number) || !(number.doubleValue() >= 0 && number.doubleValue() <= max)) {
            throw bad("generation." + name, "must be a number from 0 to " + max);
        }
        return number.doubleValue();
    }

    private static List<String> stop(Object value) {
        List<String> sequences = new ArrayList<>();
        if (value instanceof String sequence) {
            sequences.add(sequence);
        } else if (value instanceof JsonArray array && array.size() <= MAX_STOP
                && array.stream().allMatch(String.class::isInstance)) {
            array.forEach(sequence -> sequences.add((String) sequence));
        } else if (value != null) {
            throw bad("generation.stop", "must be a string or an array of up to " + MAX_STOP + " strings");
        }
        return sequences;
    }

    private static ApiException bad(String field, String message) {
        return ApiException.badRequest("bad_generation", field + " " + message);
    }
}
