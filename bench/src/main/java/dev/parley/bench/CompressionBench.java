package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.api.EncodingType;
import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.compress.ContextCompressor;
import dev.parley.worker.compress.TokenCounter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code compression} scenario: characters and tokens of a fixed set of contexts (bench resources
 * {@code compression/*.json}) before and after a compressing route's {@link ContextCompressor}, at a token budget
 * (default 1,200). Tokens are o200k_base's (exact for gpt-4o); "tidied" is after the steps that keep every message
 * (JSON, whitespace, filler), "after" also after the budget. Starts no Parley; the figures are deterministic.
 */
final class CompressionBench {

    /** The contexts, in the table's order: one file each under bench/src/main/resources/compression. */
    static final List<String> CONTEXTS = List.of("long-chat-boilerplate", "agent-json-state", "code-heavy",
        "history-with-summary");

    private final int budgetTokens;

    CompressionBench(int budgetTokens) {
        this.budgetTokens = budgetTokens;
    }

    void run() {
        TokenCounter counter = TokenCounter.of(EncodingType.O200K_BASE, false);
        ContextCompressor compressor = new ContextCompressor(budgetTokens, counter);
        ContextCompressor lossless = new ContextCompressor(Integer.MAX_VALUE, counter);
        Report report = new Report("compression", "Prompt compression: characters and tokens before and after");
        report.paragraph("Budget " + budgetTokens + " tokens; tokens counted with " + counter + " as for gpt-4o, "
            + "OpenAI's per-message overhead included. \"tidied\": after compact JSON, whitespace and filler (no "
            + "message dropped); \"after\": also after the budget. Ratio: after / before.");
        Report.Table table = report.table("context", "messages before → after", "chars before", "chars after",
            "tokens before", "tokens tidied", "tokens after", "ratio (tokens)", "ratio (chars)");
        Map<String, Object> figures = new LinkedHashMap<>();
        int[] total = new int[5];
        for (String name : CONTEXTS) {
            List<ChatMessage> context = load(name);
            ContextCompressor.Compressed tidied = lossless.compress(context);
            ContextCompressor.Compressed result = compressor.compress(context);
            table.row(name, context.size() + " → " + result.messages().size(), grouped(result.charsBefore()),
                grouped(result.charsAfter()), grouped(result.tokensBefore()), grouped(tidied.tokensAfter()),
                grouped(result.tokensAfter()) + (result.overBudget() ? " (over budget)" : ""),
                ratio(result.tokensAfter(), result.tokensBefore()), ratio(result.charsAfter(), result.charsBefore()));
            figures.put(name, Map.of("messagesBefore", context.size(), "messagesAfter", result.messages().size(),
                "charsBefore", result.charsBefore(), "charsAfter", result.charsAfter(),
                "tokensBefore", result.tokensBefore(), "tokensTidied", tidied.tokensAfter(),
                "tokensAfter", result.tokensAfter(), "overBudget", result.overBudget()));
            total[0] += result.charsBefore();
            total[1] += result.charsAfter();
            total[2] += result.tokensBefore();
            total[3] += tidied.tokensAfter();
            total[4] += result.tokensAfter();
        }
        table.row("**overall**", "", grouped(total[0]), grouped(total[1]), grouped(total[2]), grouped(total[3]),
            grouped(total[4]), ratio(total[4], total[2]), ratio(total[1], total[0]));
        table.end();
        report.put("budgetTokens", budgetTokens);
        report.put("encoding", counter.toString());
        report.put("contexts", figures);
        report.put("overall", Map.of("charsBefore", total[0], "charsAfter", total[1], "tokensBefore", total[2],
            "tokensTidied", total[3], "tokensAfter", total[4]));
        report.write();
    }

    private static List<ChatMessage> load(String name) {
        String resource = "/compression/" + name + ".json";
        try (InputStream in = CompressionBench.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing bench resource " + resource);
            }
            List<ChatMessage> messages = new ArrayList<>();
            for (JsonNode message : new ObjectMapper().readTree(in).get("messages")) {
                messages.add(new ChatMessage(message.get("role").asText(), message.get("content").asText()));
            }
            return messages;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static String grouped(int value) {
        return String.format("%,d", value);
    }

    private static String ratio(int after, int before) {
        return String.format("%.2f", after / (double) before);
    }
}
