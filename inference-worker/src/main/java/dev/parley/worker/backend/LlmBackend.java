package dev.parley.worker.backend;

/** A chat-completion backend that streams its reply (OpenAI-compatible, Ollama, Anthropic, the simulator). */
public interface LlmBackend {

    /**
     * Starts generating. The listener then gets {@link StreamListener#onToken} (and {@link StreamListener#onReasoning}) calls followed by exactly one
     * {@link StreamListener#onComplete} or {@link StreamListener#onError} — unless {@link Generation#cancel()}
     * comes first, after which it gets nothing more (for a cancel from another thread see {@link Generation#cancel()}).
     * Calls arrive on a Vert.x thread, one at a time: never block in them. May be called from any thread.
     */
    Generation stream(ChatRequest request, StreamListener listener);
}
