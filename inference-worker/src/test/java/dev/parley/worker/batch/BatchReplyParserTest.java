package dev.parley.worker.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BatchReplyParserTest {

    private static final String ARRAY = "[{\"agent\":\"ann\",\"reply\":\"Hi \\\"there\\\"\\nI'm caf\u00e9 \\u00e9 \\ud83d\\ude00 "
        + "\uD83D\uDE00 ok\"}, {\"agent\": \"bob\", \"reply\": \"\\\\ back\\/slash \\t tab\"},"
        + "{\"reply\":\"name after\",\"agent\":\"cy\"}]";

    /** What the listener saw: per agent the streamed deltas joined, and the answered objects in order. */
    private static final class Seen implements BatchReplyParser.Listener {
        final Map<String, StringBuilder> streamed = new LinkedHashMap<>();
        final List<String> answered = new ArrayList<>();
        final Map<String, String> replies = new LinkedHashMap<>();
        String malformed;
        int deltas;

        @Override
        public void replyText(String agent, String delta) {
            streamed.computeIfAbsent(agent, a -> new StringBuilder()).append(delta);
            deltas++;
        }

        @Override
        public void answered(String agent, String reply) {
            answered.add(agent);
            replies.put(agent, reply);
        }

        @Override
        public void malformed(String reason) {
            malformed = reason;
        }
    }

    private static Seen parse(List<String> chunks, boolean finish) {
        Seen seen = new Seen();
        BatchReplyParser parser = new BatchReplyParser(seen);
        chunks.forEach(parser::feed);
        if (finish) {
            parser.finish();
        }
        return seen;
    }

    private static List<String> split(String text, Random random) {
        List<String> chunks = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + 1 + random.nextInt(6));
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end++; // a String token never splits a surrogate pair
            }
            chunks.add(text.substring(i, end));
            i = end;
        }
        return chunks;
    }

    @Test
    @DisplayName("each agent's streamed text is exactly its reply, however the array is split, escapes and UTF-8 included")
    void streamsEachReplyExactly() {
        for (int seed = 0; seed < 200; seed++) {
            Seen seen = parse(split("```json\n" + ARRAY + "\n```", new Random(seed)), true);
            assertNull(seen.malformed, "seed " + seed);
            assertEquals(List.of("ann", "bob", "cy"), seen.answered);
            assertEquals("Hi \"there\"\nI'm caf\u00e9 \u00e9 \uD83D\uDE00 \uD83D\uDE00 ok", seen.replies.get("ann"));
            assertEquals("\\ back/slash \t tab", seen.replies.get("bob"));
            assertEquals("name after", seen.replies.get("cy"));
            seen.replies.forEach((agent, reply) -> assertEquals(reply, seen.streamed.get(agent).toString()));
        }
    }

    @Test
    @DisplayName("a reply streams before its object closes")
    void previewsBeforeTheObjectCloses() {
        Seen seen = new Seen();
        BatchReplyParser parser = new BatchReplyParser(seen);
        parser.feed("[{\"agent\":\"ann\",\"reply\":\"Hel");
        parser.feed("lo wor");
        assertEquals("Hello wor", seen.streamed.get("ann").toString());
        assertTrue(seen.answered.isEmpty());
        parser.feed("ld\"}");
        assertEquals(List.of("ann"), seen.answered);
        assertEquals("Hello world", seen.streamed.get("ann").toString());
        assertTrue(seen.deltas >= 3, "streamed in pieces: " + seen.deltas);
    }

    @Test
    @DisplayName("broken JSON is reported once, after the objects before it")
    void malformed() {
        Seen seen = parse(List.of("[{\"agent\":\"ann\",\"reply\":\"ok\"},", "{\"agent\":\"bob\",\"reply\":\"x\" \"oops\"}]"),
            true);
        assertEquals(List.of("ann"), seen.answered);
        assertTrue(seen.malformed.startsWith("the batch reply is not valid JSON"), seen.malformed);
        assertEquals("x", seen.streamed.get("bob").toString(), "what bob streamed stays its partial text");
    }

    @Test
    @DisplayName("a reply cut inside the array is malformed; one with no array at all too")
    void cut() {
        Seen seen = parse(List.of("[{\"agent\":\"ann\",\"reply\":\"ok\"},{\"agent\":\"bob\",\"reply\":\"hal"), true);
        assertEquals(List.of("ann"), seen.answered);
        assertEquals("the batch reply ended before its JSON array closed", seen.malformed);
        assertEquals("the batch reply has no JSON array", parse(List.of("I cannot do that."), true).malformed);
    }

    @Test
    @DisplayName("a closed array is the end: finish() then reports nothing, and trailing text is ignored")
    void closedArray() {
        Seen seen = parse(List.of("[{\"agent\":\"a\",\"reply\":\"1\"}] and some chatter {"), true);
        assertNull(seen.malformed);
        assertEquals(List.of("a"), seen.answered);
    }

    @Test
    @DisplayName("an object without a reply, or of the wrong shape, is answered with a null reply")
    void objectWithoutReply() {
        Seen seen = parse(List.of("[{\"agent\":\"a\",\"reply\":42},{\"agent\":\"b\",\"text\":\"x\"},{\"reply\":\"y\"}]"),
            true);
        assertNull(seen.malformed);
        assertEquals(3, seen.answered.size());
        assertNull(seen.replies.get("a"));
        assertNull(seen.replies.get("b"));
        assertEquals("y", seen.replies.get(null), "an object without an agent is reported with a null agent");
    }

    @Test
    @DisplayName("a value that is not an object inside the array is malformed")
    void notAnObject() {
        assertTrue(parse(List.of("[\"hello\"]"), true).malformed.contains("where an agent's object belongs"));
    }
}
