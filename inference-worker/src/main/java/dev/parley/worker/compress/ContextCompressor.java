package dev.parley.worker.compress;

import dev.parley.worker.backend.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a turn's context smaller for a route that asks for it ({@code compress: {budgetTokens: N}}), in steps that
 * never change what a message means, then to a token budget:
 * <ol>
 *   <li>JSON values re-serialized compactly ({@link JsonCompactor});</li>
 *   <li>whitespace that carries nothing removed, fenced code left as it is ({@link Whitespace});</li>
 *   <li>filler at the start and end of the assistant's earlier replies removed ({@link Boilerplate});</li>
 *   <li>over the budget, the earlier turns go, oldest first and whole (a question with its replies), until the context
 *       fits. The snapshot's summary of the turns before them stays in the memory message, so what goes first is
 *       what the summary is closest to covering; the newest turn (from the last user message on) always stays.</li>
 * </ol>
 * The leading system messages (the system prompt or persona, the session's memory) are never edited nor dropped: a
 * prefix that stays byte for byte keeps a backend's prompt cache. When they and the newest turn alone are over the
 * budget the context goes as it is, marked {@link Compressed#overBudget()}.
 */
public final class ContextCompressor {

    private final int budgetTokens;
    private final TokenCounter counter;

    public ContextCompressor(int budgetTokens, TokenCounter counter) {
        if (budgetTokens < 1) {
            throw new IllegalArgumentException("budgetTokens must be at least 1, was " + budgetTokens);
        }
        this.budgetTokens = budgetTokens;
        this.counter = counter;
    }

    public int budgetTokens() {
        return budgetTokens;
    }

    public TokenCounter counter() {
        return counter;
    }

    /** The context compressed, with its size before and after. */
    public Compressed compress(List<ChatMessage> context) {
        int prefix = prefixLength(context);
        List<ChatMessage> tidied = new ArrayList<>(context.size());
        for (int i = 0; i < context.size(); i++) {
            tidied.add(i < prefix ? context.get(i) : tidy(context.get(i)));
        }
        List<ChatMessage> kept = withinBudget(tidied, prefix);
        int after = counter.count(kept);
        return new Compressed(kept, chars(context), chars(kept), counter.count(context), after,
            context.size() - kept.size(), after > budgetTokens, counter.estimated());
    }

    /** The leading system messages: never edited, never dropped. */
    static int prefixLength(List<ChatMessage> context) {
        int prefix = 0;
        while (prefix < context.size() && "system".equals(context.get(prefix).role())) {
            prefix++;
        }
        return prefix;
    }

    /** Steps 1 to 3 on one message; a message they would leave blank stays as it was. */
    static ChatMessage tidy(ChatMessage message) {
        String text = Whitespace.tidy(JsonCompactor.compact(message.content()));
        if ("assistant".equals(message.role())) {
            text = Boilerplate.strip(text);
        }
        return text.isBlank() || text.equals(message.content()) ? message : new ChatMessage(message.role(), text);
    }

    /** Step 4: earlier turns dropped oldest first, whole, until the context fits. */
    private List<ChatMessage> withinBudget(List<ChatMessage> messages, int prefix) {
        int newest = newestTurn(messages, prefix);
        int used = counter.count(messages);
        int from = prefix; // the first earlier message still kept
        while (used > budgetTokens && from < newest) {
            int next = from + 1;
            while (next < newest && !"user".equals(messages.get(next).role())) {
                next++; // a turn is a user message and what follows it up to the next one
            }
            for (int i = from; i < next; i++) {
                used -= counter.count(messages.get(i));
            }
            from = next;
        }
        List<ChatMessage> kept = new ArrayList<>(messages.subList(0, prefix));
        kept.addAll(messages.subList(from, messages.size()));
        return kept;
    }

    /** Where the newest turn starts: the last user message after the prefix (else the last message). */
    private static int newestTurn(List<ChatMessage> messages, int prefix) {
        for (int i = messages.size() - 1; i >= prefix; i--) {
            if ("user".equals(messages.get(i).role())) {
                return i;
            }
        }
        return Math.max(prefix, messages.size() - 1);
    }

    private static int chars(List<ChatMessage> messages) {
        return messages.stream().mapToInt(m -> m.content().length()).sum();
    }

    /**
     * A compressed context and what it cost before and after.
     *
     * @param dropped    earlier messages left out for the budget
     * @param overBudget the prefix and the newest turn alone are over the budget (nothing more may go)
     * @param estimated  the token counts approximate the backend's tokenizer ({@link TokenCounter#estimated()})
     */
    public record Compressed(List<ChatMessage> messages, int charsBefore, int charsAfter, int tokensBefore,
                             int tokensAfter, int dropped, boolean overBudget, boolean estimated) {

        public Compressed {
            messages = List.copyOf(messages);
        }
    }
}
