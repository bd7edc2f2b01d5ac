package dev.parley.postprocess.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExtractiveSummarizerTest {

    private static final List<SummaryTurn> TRIP = List.of(
            new SummaryTurn("t1", "Hi! I'm planning a trip to Lisbon in May with my sister. "
                    + "Which neighbourhoods should we stay in?",
                    "Lisbon in May is lovely. Baixa and Chiado are central and walkable. "
                            + "Alfama is charming but hilly. Principe Real is quieter."),
            new SummaryTurn("t2", "Thanks! We're on a budget, about 100 euros a night. Is Alfama cheaper than Chiado?",
                    "Usually yes: Alfama guesthouses often cost 70 to 100 euros a night. Book early for May. "
                            + "I'll send you a shortlist tomorrow."),
            new SummaryTurn("t3", "ok", null));

    /** The README's "A session's memory" turns, with the simulator's replies. */
    private static final List<SummaryTurn> MEMORY_DEMO = List.of(
            new SummaryTurn("t1", "Hi, my name is Ada and I live in Lisbon.\n"
                    + "#sim: reply=\"Nice to meet you, Ada! I will remind you tomorrow at 9am to call the dentist.\"",
                    "Nice to meet you, Ada! I will remind you tomorrow at 9am to call the dentist."),
            new SummaryTurn("t2", "How do Kafka partitions keep order?", "Was durable, after consumer, ledger déjà "
                    + "exactly naïve smörgåsbord? Context ordered waits and déjà, durable client holds piñata producer "
                    + "holds. Quickly façade partition, naïve holds sends partition piñata. Latency resumes niño "
                    + "durable log ordered and. Partition after waits, is ledger."),
            new SummaryTurn("t3", "What is a consumer group?", "Über niño, context façade ledger quickly. Kafka "
                    + "producer ledger sends, reads with session. Moves partition, partition answer ordered, commit "
                    + "log into holds. With exactly partition counts ordered jalapeño partition. Durable counts "
                    + "snapshot context replay, gateway topic every kafka über ledger."));

    private final ExtractiveSummarizer summarizer = new ExtractiveSummarizer();

    @Test
    @DisplayName("its id is 'extractive'")
    void id() {
        assertEquals("extractive", summarizer.id());
    }

    @Test
    @DisplayName("with room to spare it still summarises: the best sentences in a third of the turns' length")
    void compressesEvenWhenMaxCharsAllowsMore() {
        String summary = summarizer.summarize(null, TRIP, 2000);
        assertEquals("Assistant: Lisbon in May is lovely.\n"
                + "User: Is Alfama cheaper than Chiado? / Assistant: Usually yes: Alfama guesthouses often cost 70 to "
                + "100 euros a night.", summary);
        assertTrue(summary.length() <= ExtractiveSummarizer.MIN_DIGEST_CHARS, summary);
    }

    @Test
    @DisplayName("a long exchange keeps at most a third of its sentences' length, however large maxChars is")
    void digestIsAThirdOfTheTurns() {
        List<SummaryTurn> turns = MEMORY_DEMO;
        int source = turns.stream().mapToInt(t -> t.userText().length() + t.assistantText().length()).sum();
        String summary = summarizer.summarize(null, turns, 8000);
        assertTrue(summary.length() <= source / 3, summary.length() + " of " + source + ": " + summary);
        assertTrue(summary.length() > ExtractiveSummarizer.MIN_DIGEST_CHARS, summary);
    }

    @Test
    @DisplayName("simulator directive lines never reach the summary")
    void excludesDirectiveLines() {
        assertEquals("User: Hi, my name is Ada and I live in Lisbon.\n"
                + "User: How do Kafka partitions keep order? / Assistant: Was durable, after consumer, ledger déjà "
                + "exactly naïve smörgåsbord?\n"
                + "Assistant: Über niño, context façade ledger quickly.", summarizer.summarize(null, MEMORY_DEMO, 8000));
    }

    @Test
    @DisplayName("the recurring topic's question and answer are kept; an aside, a restatement and filler are not")
    void keepsTheMostInformativeSentences() {
        List<SummaryTurn> turns = List.of(
                new SummaryTurn("t1", "How do Kafka partitions keep the order of records?",
                        "Kafka keeps the order of records within a partition. "
                                + "By the way, the weather in Lisbon is sunny today. "
                                + "Records within a partition keep their order."),
                new SummaryTurn("t2", "Which records go to the same partition?",
                        "Records with the same key go to the same partition. Interesting question."));
        String summary = summarizer.summarize(null, turns, 2000);
        assertEquals("User: How do Kafka partitions keep the order of records?\n"
                + "User: Which records go to the same partition?", summary);
        List<SummaryTurn> more = new ArrayList<>(turns);
        more.add(new SummaryTurn("t3", "Does a consumer group keep that order when it reads the records?",
                "Each partition goes to one consumer of the group, so that consumer reads its records in order. "
                        + "Records of different partitions may interleave in the consumer group. Good luck!"));
        String roomier = summarizer.summarize(null, more, 2000);
        assertEquals("User: How do Kafka partitions keep the order of records?\n"
                + "User: Which records go to the same partition?\n"
                + "User: Does a consumer group keep that order when it reads the records?", roomier);
    }

    @Test
    @DisplayName("greetings, thanks and one-word turns carry no information and are never kept")
    void dropsContentFreeSentences() {
        String summary = summarizer.summarize(null, TRIP, 2000);
        assertFalse(summary.contains("Hi!"), summary);
        assertFalse(summary.contains("Thanks!"), summary);
        assertFalse(summary.contains("User: ok"), summary);
        assertEquals("", summarizer.summarize(null, List.of(new SummaryTurn("t", "Thanks!", "You're welcome!")), 100));
    }

    @Test
    @DisplayName("under a tight budget the sentences about the recurring topic win, still in their original order")
    void prefersInformativeSentences() {
        String summary = summarizer.summarize(null, TRIP, 160);
        assertTrue(summary.length() <= 160, summary);
        assertTrue(summary.contains("Is Alfama cheaper than Chiado?"), summary);
        assertFalse(summary.contains("Principe Real"), summary);
        assertFalse(summary.contains("Book early"), summary);
    }

    @Test
    @DisplayName("kept sentences appear in the order they were said")
    void keepsOriginalOrder() {
        String summary = summarizer.summarize(null, TRIP, 300);
        int kept = 0;
        int previous = -1;
        for (SummaryTurn turn : TRIP) {
            List<String> said = new ArrayList<>(Sentences.split(turn.userText()));
            said.addAll(Sentences.split(turn.assistantText()));
            for (String sentence : said) {
                int at = summary.indexOf(sentence);
                if (at >= 0) {
                    assertTrue(at > previous, () -> sentence + " out of order in\n" + summary);
                    previous = at;
                    kept++;
                }
            }
        }
        assertTrue(kept >= 3, summary);
    }

    @Test
    @DisplayName("the summary never exceeds maxChars, whatever the budget and previous summary")
    void neverExceedsMaxChars() {
        String previous = "User: Ada is a nurse in Porto.\nAssistant: suggested spring for travel.\n"
                + "User: asked about trains from Porto to Lisbon and the fare for two.";
        for (int max = 1; max <= 700; max++) {
            assertTrue(summarizer.summarize(null, TRIP, max).length() <= max, "no previous, max " + max);
            assertTrue(summarizer.summarize(previous, TRIP, max).length() <= max, "with previous, max " + max);
        }
    }

    @Test
    @DisplayName("the previous summary comes first and keeps all of its lines when they fit")
    void mergesPreviousSummary() {
        String previous = "User: Ada is a nurse in Porto.";
        String summary = summarizer.summarize(previous, TRIP, 2000);
        assertTrue(summary.startsWith(previous + "\n"), summary);
        assertTrue(summary.contains("Is Alfama cheaper than Chiado?"), summary);
    }

    @Test
    @DisplayName("when space runs out the previous summary loses its oldest lines first")
    void truncatesOlderMaterialFirst() {
        String previous = "User: first topic was the weather in Madrid.\n"
                + "User: second topic was the train from Porto.\n"
                + "User: third topic was the Lisbon ferry.";
        String summary = summarizer.summarize(previous, TRIP, 250);
        assertFalse(summary.contains("weather in Madrid"), summary);
        assertTrue(summary.contains("third topic was the Lisbon ferry."), summary);
        assertTrue(summary.contains("Is Alfama cheaper than Chiado?"), summary);
        assertTrue(summary.length() <= 250, summary);
    }

    @Test
    @DisplayName("with no new turns an over-long previous summary keeps its newest words behind an ellipsis")
    void keepsNewestEndOfPreviousSummary() {
        String summary = summarizer.summarize("User: one two three four five six seven eight nine ten", List.of(), 20);
        assertTrue(summary.length() <= 20, summary);
        assertTrue(summary.startsWith("\u2026") && summary.endsWith("nine ten"), summary);
    }

    @Test
    @DisplayName("a turn without a reply is summarised from the user side alone")
    void turnWithoutReply() {
        assertEquals("User: Can you compare ferry prices from Lisbon to Almada?",
                summarizer.summarize(null,
                        List.of(new SummaryTurn("t1", "Can you compare ferry prices from Lisbon to Almada?", null)),
                        500));
    }

    @Test
    @DisplayName("the same input always gives the same summary")
    void deterministic() {
        String previous = "User: Ada is a nurse in Porto.";
        assertEquals(summarizer.summarize(previous, TRIP, 250),
                new ExtractiveSummarizer().summarize(previous, List.copyOf(TRIP), 250));
    }

    @Test
    @DisplayName("nothing at all summarises to an empty string, and maxChars below 1 is refused")
    void edgeCases() {
        assertEquals("", summarizer.summarize(null, List.of(), 100));
        assertEquals("User: kept.", summarizer.summarize("  User: kept.  ", null, 100));
        assertThrows(IllegalArgumentException.class, () -> summarizer.summarize(null, TRIP, 0));
    }
}
