package dev.parley.worker.compress;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.BackendKind;
import dev.parley.worker.backend.ChatMessage;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Counts a chat context's tokens with OpenAI's BPE encodings (JTokkit). Exact for OpenAI's own models:
 * {@code o200k_base} for gpt-4o, gpt-4.1, gpt-5, o1, o3 and o4 (and their dated or -mini names), {@code cl100k_base}
 * for gpt-4 and gpt-3.5. Every other model (an OpenAI-compatible server's own model, Ollama's Llama or Qwen,
 * Anthropic's Claude) is counted with {@code cl100k_base} as an approximation and flagged {@link #estimated()}: no
 * tokenizer of theirs is on Maven Central, and cl100k is close for Llama 3 (whose vocabulary extends it) and within a
 * few percent of chars/4 for English prose elsewhere. A message costs its role and content plus 3 tokens, and a
 * context 3 more for the reply's start: OpenAI's published formula for its chat models.
 */
public final class TokenCounter {

    static final int PER_MESSAGE = 3;
    static final int PER_REPLY = 3;
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private final List<Encoding> encodings;
    private final boolean estimated;
    private final String description;

    private TokenCounter(List<Encoding> encodings, boolean estimated, String description) {
        this.encodings = encodings;
        this.estimated = estimated;
        this.description = description;
    }

    /** A counter with this encoding, exact or not. */
    public static TokenCounter of(EncodingType type, boolean estimated) {
        return new TokenCounter(List.of(REGISTRY.getEncoding(type)), estimated,
            type.getName() + (estimated ? " (estimated)" : " (exact)"));
    }

    /** The encoding that counts {@code model}'s tokens exactly; null when it is not an OpenAI model we know. */
    static EncodingType openAiEncoding(String model) {
        String name = model.toLowerCase(Locale.ROOT);
        name = name.substring(name.lastIndexOf('/') + 1); // openai/gpt-4o as some gateways name it
        if (name.startsWith("gpt-4o") || name.startsWith("gpt-4.1") || name.startsWith("gpt-4.5")
            || name.startsWith("gpt-5") || name.matches("^o[134](-.*)?$") || name.startsWith("chatgpt-4o")) {
            return EncodingType.O200K_BASE;
        }
        if (name.startsWith("gpt-4") || name.startsWith("gpt-3.5") || name.startsWith("gpt-35")) {
            return EncodingType.CL100K_BASE;
        }
        return null;
    }

    /** The counter for one backend: exact for an OpenAI model on an {@code openai} backend, else estimated. */
    public static TokenCounter forBackend(BackendConfig backend) {
        EncodingType exact = backend.kind() == BackendKind.OPENAI ? openAiEncoding(backend.model()) : null;
        return exact != null ? of(exact, false) : of(EncodingType.CL100K_BASE, true);
    }

    /**
     * The counter for a route's backends: a context must fit the budget whichever of them answers, so it counts with
     * each distinct encoding and takes the largest count; estimated when any backend's count is.
     */
    public static TokenCounter forBackends(Collection<BackendConfig> backends) {
        Set<EncodingType> types = new LinkedHashSet<>();
        boolean estimated = false;
        for (BackendConfig backend : backends) {
            EncodingType exact = backend.kind() == BackendKind.OPENAI ? openAiEncoding(backend.model()) : null;
            types.add(exact == null ? EncodingType.CL100K_BASE : exact);
            estimated |= exact == null;
        }
        if (types.isEmpty()) {
            throw new IllegalArgumentException("no backends to count tokens for");
        }
        String names = types.stream().map(EncodingType::getName).collect(Collectors.joining(" and "));
        return new TokenCounter(types.stream().map(REGISTRY::getEncoding).toList(), estimated,
            names + (estimated ? " (estimated)" : " (exact)"));
    }

    /** The tokens of a text (special-token text such as {@code <|endoftext|>} counted as ordinary text). */
    public int count(String text) {
        int max = 0;
        for (Encoding encoding : encodings) {
            max = Math.max(max, encoding.countTokensOrdinary(text));
        }
        return max;
    }

    /** The tokens a backend is sent for these messages. */
    public int count(List<ChatMessage> messages) {
        if (messages.isEmpty()) {
            return 0;
        }
        int total = PER_REPLY;
        for (ChatMessage message : messages) {
            total += count(message);
        }
        return total;
    }

    int count(ChatMessage message) {
        return PER_MESSAGE + count(message.role()) + count(message.content());
    }

    /** True when the counts approximate the backend's tokenizer rather than being its own. */
    public boolean estimated() {
        return estimated;
    }

    /** E.g. {@code o200k_base (exact)} or {@code cl100k_base (estimated)}, for logs and reports. */
    @Override
    public String toString() {
        return description;
    }
}
