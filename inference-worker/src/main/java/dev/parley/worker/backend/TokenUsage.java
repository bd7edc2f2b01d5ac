package dev.parley.worker.backend;

/** Token counts a backend reported. */
public record TokenUsage(int promptTokens, int completionTokens) {
}
