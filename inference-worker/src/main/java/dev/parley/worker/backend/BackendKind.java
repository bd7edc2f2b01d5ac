package dev.parley.worker.backend;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The wire protocol a backend speaks; its catalogue name is the lower-case constant name. */
public enum BackendKind {
    /** {@code POST {baseUrl}/chat/completions}, SSE {@code data:} lines: OpenAI, vLLM, llama.cpp, LM Studio, Ollama's /v1. */
    OPENAI,
    /** Ollama's native {@code POST {baseUrl}/api/chat}, NDJSON lines. */
    OLLAMA,
    /** Anthropic's Messages API, {@code POST {baseUrl}/v1/messages}, SSE events. */
    ANTHROPIC;

    /** The name used in the catalogue, e.g. {@code openai}. */
    public String catalogueName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind with this catalogue name, or null. */
    public static BackendKind ofName(String name) {
        for (BackendKind kind : values()) {
            if (kind.catalogueName().equals(name)) {
                return kind;
            }
        }
        return null;
    }

    /** The catalogue names, for error messages: {@code openai, ollama, anthropic}. */
    public static String names() {
        return Arrays.stream(values()).map(BackendKind::catalogueName).collect(Collectors.joining(", "));
    }
}
