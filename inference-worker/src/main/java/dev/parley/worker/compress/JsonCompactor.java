package dev.parley.worker.compress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;

/**
 * Re-serializes JSON values in a message compactly: the whole message when it is one JSON object or array, a fenced
 * block tagged {@code json} (or untagged) whose body is one, and an object or array that starts a line of prose and
 * ends one. Only what parses as strict JSON is touched, with its numbers kept exactly as written (no float rounding)
 * and duplicate keys refused (a parse would keep only the last), so the value means exactly what it meant.
 */
final class JsonCompactor {

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
        .build();
    /** Reads one value and leaves what follows it: a value embedded in prose. */
    private static final ObjectReader ONE_VALUE = JSON.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonCompactor() {
    }

    static String compact(String text) {
        String whole = compactWhole(text.strip());
        if (whole != null) {
            return whole;
        }
        List<Fences.Line> lines = Fences.lines(text);
        int[] offsets = offsets(lines);
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < lines.size()) {
            Fences.Line line = lines.get(i);
            if (line.opensFence() && jsonFence(line.text())) {
                int close = closing(lines, i);
                if (close > i) {
                    String body = joined(lines, i + 1, close);
                    String compact = compactWhole(body.strip());
                    if (compact != null) {
                        out.append(line.text()).append('\n').append(compact).append('\n').append(lines.get(close).text());
                        appendBreak(out, lines, close);
                        i = close + 1;
                        continue;
                    }
                }
            }
            if (!line.fenced() && startsContainer(line.text())) {
                int end = embedded(text, offsets, lines, i);
                String value = end < 0 ? null : compactWhole(joined(lines, i, end + 1).strip());
                if (value != null) {
                    out.append(value);
                    appendBreak(out, lines, end);
                    i = end + 1;
                    continue;
                }
            }
            out.append(line.text());
            appendBreak(out, lines, i);
            i++;
        }
        return out.toString();
    }

    /** The compact form of {@code text} when all of it is one JSON object or array; null otherwise. */
    static String compactWhole(String text) {
        if (!startsContainer(text)) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isContainerNode() ? JSON.writeValueAsString(node) : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    /**
     * The last line of a JSON object or array that starts line {@code from} (at {@code offsets[from]} of
     * {@code text}) and ends a line (nothing but spaces after it), with no fence in between; -1 when there is none.
     * One streaming parse from the value's start, which stops at its end: a long message stays linear.
     */
    private static int embedded(String text, int[] offsets, List<Fences.Line> lines, int from) {
        String first = lines.get(from).text();
        int start = offsets[from] + first.length() - first.stripLeading().length();
        StringReader reader = new StringReader(text);
        try (JsonParser parser = JSON.createParser(reader)) {
            reader.skip(start);
            JsonNode node = ONE_VALUE.readTree(parser);
            if (node == null || !node.isContainerNode()) {
                return -1;
            }
            long end = start + parser.currentLocation().getCharOffset();
            int line = from;
            while (line + 1 < lines.size() && offsets[line + 1] <= end) {
                line++;
            }
            int lineEnd = offsets[line] + lines.get(line).text().length();
            boolean endsLine = end <= lineEnd && text.substring((int) end, lineEnd).isBlank();
            boolean unfenced = lines.subList(from, line + 1).stream().noneMatch(Fences.Line::fenced);
            return endsLine && unfenced ? line : -1;
        } catch (IOException | RuntimeException notJson) {
            return -1;
        }
    }

    /** Where each line starts in the text. */
    private static int[] offsets(List<Fences.Line> lines) {
        int[] offsets = new int[lines.size()];
        for (int i = 1; i < lines.size(); i++) {
            offsets[i] = offsets[i - 1] + lines.get(i - 1).text().length() + 1;
        }
        return offsets;
    }

    private static boolean startsContainer(String text) {
        String stripped = text.stripLeading();
        return !stripped.isEmpty() && (stripped.charAt(0) == '{' || stripped.charAt(0) == '[');
    }

    private static boolean jsonFence(String opening) {
        String info = opening.strip().substring(3).strip();
        return info.isEmpty() || info.equalsIgnoreCase("json");
    }

    private static int closing(List<Fences.Line> lines, int open) {
        for (int i = open + 1; i < lines.size(); i++) {
            if (lines.get(i).closesFence()) {
                return i;
            }
        }
        return -1;
    }

    private static String joined(List<Fences.Line> lines, int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append(lines.get(i).text());
            if (i + 1 < to) {
                text.append('\n');
            }
        }
        return text.toString();
    }

    private static void appendBreak(StringBuilder out, List<Fences.Line> lines, int index) {
        if (index + 1 < lines.size()) {
            out.append('\n');
        }
    }

    /** For tests: parses with the compactor's settings, so a test can check a value means the same after. */
    static JsonNode parse(String json) throws IOException {
        JsonParser parser = JSON.createParser(json);
        return JSON.readTree(parser);
    }
}
