package dev.parley.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scenario's results: markdown tables printed as they are made and written to {@code <scenario>.md}, and every
 * figure in {@code <scenario>.json}, in the results directory (system property {@code bench.results}, set by
 * bench/pom.xml to bench/target/results).
 */
final class Report {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String scenario;
    private final StringBuilder markdown = new StringBuilder();
    private final Map<String, Object> figures = new LinkedHashMap<>();

    Report(String scenario, String title) {
        this.scenario = scenario;
        figures.put("scenario", scenario);
        figures.put("startedAt", Instant.now().toString());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("java", System.getProperty("java.version"));
        heading("# " + title);
    }

    /** Where and how the scenario ran: one JVM for everything, and the PARLEY_* settings in force. */
    void setup(String load, Map<String, String> settings) {
        put("settings", settings);
        put("memoryNote", "VmRSS/VmHWM of the one JVM that runs Maven (exec:java), the broker, the schema registry, "
            + "the gateway, the worker, postprocess-streams, the LLM simulator and the bench's clients");
        paragraph(load + " One JVM (" + Runtime.getRuntime().availableProcessors() + " cores, Java "
            + System.getProperty("java.version") + ", started by Maven's exec:java) runs the broker, the schema "
            + "registry, the gateway, the worker, postprocess-streams, the LLM simulator and the bench's clients. "
            + "Settings: " + (settings.isEmpty() ? "the defaults" : settings) + ".");
    }

    static Path resultsDirectory() {
        return Path.of(System.getProperty("bench.results", "bench/target/results"));
    }

    /** A figure for the JSON file (maps, lists, records, numbers and strings). */
    void put(String key, Object value) {
        figures.put(key, value);
    }

    void heading(String heading) {
        add("\n" + heading + "\n");
    }

    void paragraph(String text) {
        add("\n" + text + "\n");
    }

    /**
     * A list of what went wrong: the notes, then each kind of disconnection and of error with how often; or
     * {@code none} when there is nothing to say.
     */
    void problems(List<String> notes, Errors drops, Errors errors, String none) {
        List<String> lines = new ArrayList<>();
        notes.forEach(note -> lines.add("- " + note));
        drops.samples().forEach(sample -> lines.add("- dropped: " + sample));
        errors.samples().forEach(sample -> lines.add("- error: " + sample));
        paragraph(lines.isEmpty() ? none : String.join("\n", lines));
        put("clientsDropped", drops.count());
        put("dropReasons", drops.samples());
        put("errors", errors.count());
        put("errorSamples", errors.samples());
    }

    Table table(String... columns) {
        return new Table(columns);
    }

    private void add(String text) {
        markdown.append(text);
        System.out.print(text);
        System.out.flush();
    }

    /** Writes {@code <scenario>.md} and {@code <scenario>.json}; returns the markdown file. */
    Path write() {
        Path dir = resultsDirectory();
        try {
            Files.createDirectories(dir);
            Path md = dir.resolve(scenario + ".md");
            Files.writeString(md, markdown.toString().stripLeading(), StandardCharsets.UTF_8);
            JSON.writeValue(dir.resolve(scenario + ".json").toFile(), figures);
            System.out.printf("%nWritten: %s and %s%n", md.toAbsolutePath(), dir.resolve(scenario + ".json").toAbsolutePath());
            return md;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + dir, e);
        }
    }

    /** A markdown table, added to the report when it is ended. */
    final class Table {
        private final List<String> lines = new ArrayList<>();

        private Table(String... columns) {
            lines.add("| " + String.join(" | ", columns) + " |");
            lines.add("|" + "---|".repeat(columns.length));
        }

        Table row(Object... cells) {
            List<String> texts = new ArrayList<>();
            for (Object cell : cells) {
                texts.add(String.valueOf(cell));
            }
            lines.add("| " + String.join(" | ", texts) + " |");
            return this;
        }

        void end() {
            add("\n" + String.join("\n", lines) + "\n");
        }
    }

    /** Milliseconds for a table cell, e.g. {@code 12.3 ms}; {@code n/a} for NaN. */
    static String ms(double millis) {
        return Double.isNaN(millis) ? "n/a" : String.format("%.1f ms", millis);
    }

    /** A difference in milliseconds with its sign, e.g. {@code +12.3 ms}. */
    static String addedMs(double millis) {
        return Double.isNaN(millis) ? "n/a" : String.format("%+.1f ms", millis);
    }

    /** A number with thousands separators and {@code decimals} decimals. */
    static String number(double value, int decimals) {
        return Double.isNaN(value) ? "n/a" : String.format("%,." + decimals + "f", value);
    }

    /** Rounded to two decimals for the JSON file; NaN (nothing measured) becomes null. */
    static Double round(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? null : Math.round(value * 100) / 100.0;
    }
}
