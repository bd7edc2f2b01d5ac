package dev.parley.worker.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.api.EncodingType;
import dev.parley.worker.backend.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ContextCompressorTest {

    private static final TokenCounter O200K = TokenCounter.of(EncodingType.O200K_BASE, false);
    private static final String PERSONA = "You are Parley.   Answer  briefly.\n\n\n";
    private static final String MEMORY = "Summary of the conversation so far: Ada asked about Kafka.  ";

    @Test
    @DisplayName("within the budget, every message after the system prefix is tidied and nothing is dropped")
    void tidiesWithinBudget() {
        List<ChatMessage> context = List.of(ChatMessage.system(PERSONA), ChatMessage.system(MEMORY),
            ChatMessage.user("What  is the state?"),
            ChatMessage.assistant("Certainly! Here:\n{\n  \"step\" : 2\n}\nI hope this helps!"),
            ChatMessage.user("Next?\n#sim: echo"));
        ContextCompressor.Compressed result = new ContextCompressor(10_000, O200K).compress(context);
        assertEquals(List.of(ChatMessage.system(PERSONA), ChatMessage.system(MEMORY),
            ChatMessage.user("What is the state?"), ChatMessage.assistant("Here:\n{\"step\":2}"),
            ChatMessage.user("Next?\n#sim: echo")), result.messages());
        assertSame(context.get(0), result.messages().get(0), "the system prefix is never edited");
        assertEquals(0, result.dropped());
        assertEquals(O200K.count(context), result.tokensBefore());
        assertEquals(O200K.count(result.messages()), result.tokensAfter());
        assertTrue(result.tokensAfter() < result.tokensBefore());
        assertFalse(result.overBudget());
        assertFalse(result.estimated());
    }

    @Test
    @DisplayName("over the budget, earlier turns go oldest first and whole; the prefix and the newest turn stay")
    void budget() {
        List<ChatMessage> context = new ArrayList<>(List.of(ChatMessage.system(PERSONA), ChatMessage.system(MEMORY)));
        for (int i = 0; i < 10; i++) {
            context.add(ChatMessage.user("Question " + i + ": how do consumer groups share the partitions of a topic?"));
            context.add(ChatMessage.assistant("Answer " + i + ": each partition goes to one consumer of the group."));
        }
        context.add(ChatMessage.user("And the newest question?"));
        int turnTokens = O200K.count(context.subList(2, 4));
        int budget = O200K.count(context) - 3 * turnTokens; // room for about seven of the ten turns
        ContextCompressor.Compressed result = new ContextCompressor(budget, O200K).compress(context);
        List<ChatMessage> kept = result.messages();
        assertTrue(result.tokensAfter() <= budget, result.tokensAfter() + " > " + budget);
        assertEquals(O200K.count(kept), result.tokensAfter());
        assertEquals(context.subList(0, 2), kept.subList(0, 2), "the persona and the memory stay byte for byte");
        assertEquals(context.get(context.size() - 1), kept.get(kept.size() - 1));
        assertEquals("user", kept.get(2).role(), "a turn goes whole: the first kept message is a question");
        int firstKept = Integer.parseInt(kept.get(2).content().replaceAll("^Question (\\d+):.*", "$1"));
        assertEquals(context.subList(2 + 2 * firstKept, context.size()), kept.subList(2, kept.size()),
            "what stays is the newest turns, in order");
        assertTrue(firstKept >= 3, "at least three turns had to go, went " + firstKept);
        assertEquals(2 * firstKept, result.dropped());
        int withOneMore = O200K.count(kept) + O200K.count(context.get(2 * firstKept))
            + O200K.count(context.get(2 * firstKept + 1));
        assertTrue(withOneMore > budget, "no more was dropped than the budget needed");
    }

    @Test
    @DisplayName("when the prefix and the newest turn alone are over the budget, nothing of them goes: overBudget")
    void overBudget() {
        String question = "Explain every Kafka configuration setting in detail. ".repeat(30);
        List<ChatMessage> context = List.of(ChatMessage.system(PERSONA), ChatMessage.user("Earlier question"),
            ChatMessage.assistant("Earlier answer"), ChatMessage.user(question));
        ContextCompressor.Compressed result = new ContextCompressor(100, O200K).compress(context);
        assertEquals(List.of(ChatMessage.system(PERSONA), ChatMessage.user(question.strip())), result.messages());
        assertTrue(result.overBudget());
        assertEquals(2, result.dropped());
    }

    @Test
    @DisplayName("a client's own conversation before the newest question (an OpenAI-compatible request) is older history")
    void givenContext() {
        List<ChatMessage> context = List.of(ChatMessage.system("Persona"), ChatMessage.system("Client system prompt"),
            ChatMessage.assistant("An assistant message first, as a client may send"),
            ChatMessage.user("Older"), ChatMessage.assistant("Older reply"), ChatMessage.user("Newest"));
        ContextCompressor.Compressed result = new ContextCompressor(1, O200K).compress(context);
        assertEquals(List.of(ChatMessage.system("Persona"), ChatMessage.system("Client system prompt"),
            ChatMessage.user("Newest")), result.messages());
    }
}
