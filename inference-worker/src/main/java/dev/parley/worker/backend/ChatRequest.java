package dev.parley.worker.backend;

import java.util.List;

/** What to generate from: the model (null for the backend's default) and the context, oldest message first. */
public record ChatRequest(String model, List<ChatMessage> messages) {

    public ChatRequest {
        messages = List.copyOf(messages);
    }
}
