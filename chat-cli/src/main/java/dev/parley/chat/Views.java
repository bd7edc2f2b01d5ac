package dev.parley.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The gateway's session view and search results as lines for a terminal. */
final class Views {

    private static final int SEARCH_TEXT_CHARS = 100;

    private Views() {
    }

    /** {@code GET /v1/sessions/{sid}}: turns, summary, facts, open commitments and usage. */
    static List<String> snapshot(JsonNode view) {
        List<String> lines = new ArrayList<>();
        lines.add("session " + view.path("sessionId").asText() + ": " + view.path("turnCount").asInt() + " turns");
        if (view.path("snapshot").asText().equals("pending")) {
            lines.add("  (postprocess-streams has not read this session yet)");
            return lines;
        }
        JsonNode summary = view.path("summary");
        if (summary.hasNonNull("text")) {
            lines.add("  summary: " + oneLine(summary.path("text").asText()));
        }
        List<String> facts = new ArrayList<>();
        view.path("facts").fields().forEachRemaining(fact -> facts.add(fact.getKey() + "=" + fact.getValue().asText()));
        if (!facts.isEmpty()) {
            lines.add("  facts: " + String.join(", ", facts));
        }
        for (JsonNode commitment : view.path("openCommitments")) {
            lines.add("  promised: " + oneLine(commitment.path("text").asText())
                    + (commitment.hasNonNull("dueAt") ? " (due " + commitment.path("dueAt").asText() + ")" : ""));
        }
        JsonNode usage = view.path("usage");
        if (usage.isObject()) {
            lines.add(String.format(Locale.ROOT, "  usage: %d prompt + %d completion tokens%s, $%.4f",
                    usage.path("promptTokens").asLong(), usage.path("completionTokens").asLong(),
                    usage.path("estimated").asBoolean() ? " (estimated)" : "", usage.path("costUsd").asDouble()));
        }
        return lines;
    }

    /** {@code GET /v1/sessions/{sid}/search}: one line per hit, nearest first. */
    static List<String> search(JsonNode found) {
        List<String> lines = new ArrayList<>();
        for (JsonNode hit : found.path("results")) {
            lines.add(String.format(Locale.ROOT, "%.2f  %-9s  %s", hit.path("score").asDouble(),
                    hit.path("role").asText(), shorten(oneLine(hit.path("text").asText()))));
        }
        if (lines.isEmpty()) {
            lines.add("no matches (yet: postprocess-streams indexes a turn a moment after it ends)");
        }
        return lines;
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }

    private static String shorten(String text) {
        return text.length() <= SEARCH_TEXT_CHARS ? text : text.substring(0, SEARCH_TEXT_CHARS - 1) + "…";
    }
}
