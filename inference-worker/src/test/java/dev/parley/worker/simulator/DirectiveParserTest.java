package dev.parley.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.worker.simulator.DirectiveParser.ParsedPrompt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DirectiveParserTest {

    @Test
    @DisplayName("a message without directives is all prompt")
    void noDirectives() {
        ParsedPrompt parsed = DirectiveParser.parse("What is Kafka?\nTell me more.");
        assertEquals("What is Kafka?\nTell me more.", parsed.prompt());
        assertEquals(Directives.NONE, parsed.directives());
    }

    @Test
    @DisplayName("directive lines are taken out of the prompt and every key is read")
    void everyKey() {
        ParsedPrompt parsed = DirectiveParser.parse("Hello\n#sim: tokens=7 ttft_ms=0 itl_ms=15 finish=length\n"
            + "  #sim: fail_after=3\nBye");
        assertEquals("Hello\nBye", parsed.prompt());
        Directives d = parsed.directives();
        assertEquals(7, d.tokens());
        assertEquals(0L, d.ttftMs());
        assertEquals(15L, d.itlMs());
        assertEquals("length", d.finish());
        assertEquals(new Fault(Fault.Kind.FAIL_AFTER, 3), d.fault());
        assertNull(d.reply());
    }

    @Test
    @DisplayName("a quoted reply keeps unicode and unescapes \\\", \\\\, \\n and \\t")
    void quotedReply() {
        Directives d = DirectiveParser.parse("#sim: reply=\"Grüße \\\"wörld\\\" 🎉\\nline\\t2 \\\\ end\" tokens=3")
            .directives();
        assertEquals("Grüße \"wörld\" 🎉\nline\t2 \\ end", d.reply());
        assertEquals(3, d.tokens());
    }

    @Test
    @DisplayName("a bare value ends at the next space and an empty quoted value is allowed")
    void bareAndEmptyValues() {
        assertEquals("hello", DirectiveParser.parsePairs("reply=hello tokens=1").reply());
        assertEquals("", DirectiveParser.parsePairs("reply=\"\"").reply());
    }

    @Test
    @DisplayName("each fault key and the status are read, and a later line overrides an earlier one")
    void faults() {
        assertEquals(new Fault(Fault.Kind.STALL_AFTER, 2), DirectiveParser.parsePairs("stall_after=2").fault());
        assertEquals(new Fault(Fault.Kind.DISCONNECT_AFTER, 0),
            DirectiveParser.parsePairs("disconnect_after=0").fault());
        assertEquals(new Fault(Fault.Kind.STATUS, 503), DirectiveParser.parsePairs("status=503").fault());
        assertEquals(9, DirectiveParser.parse("#sim: tokens=1\n#sim: tokens=9").directives().tokens());
    }

    @Test
    @DisplayName("bad directives are refused naming the key")
    void badDirectives() {
        assertBad("#sim: colour=blue", "colour");
        assertBad("#sim: tokens=many", "tokens");
        assertBad("#sim: tokens=-1", "tokens");
        assertBad("#sim: itl_ms=999999999", "itl_ms");
        assertBad("#sim: status=200", "status");
        assertBad("#sim: finish=maybe", "finish");
        assertBad("#sim: fail_after", "fail_after");
        assertBad("#sim: reply=\"no end", "reply");
        assertBad("#sim: reply=\"bad \\q escape\"", "reply");
        assertBad("#sim: reply=\"a\"b", "reply");
        assertBad("#sim: fail_after=1 stall_after=2", "stall_after");
    }

    @Test
    @DisplayName("a default fault is exactly one fault directive")
    void defaultFault() {
        assertEquals(new Fault(Fault.Kind.FAIL_AFTER, 5), Fault.parse("fail_after=5"));
        assertEquals("status=503", Fault.parse(" status=503 ").toString());
        assertThrows(IllegalArgumentException.class, () -> Fault.parse("tokens=5"));
        assertThrows(IllegalArgumentException.class, () -> Fault.parse("fail_after=5 tokens=5"));
        assertThrows(IllegalArgumentException.class, () -> Fault.parse("fail_after=x"));
    }

    @Test
    @DisplayName("a line with on= applies only to the backends it names; lines without it apply everywhere")
    void onScopesALine() {
        String message = "Hi\n#sim: tokens=4\n#sim: fail_after=2 on=local\n#sim: tokens=9 on=cloud,spare";
        Directives local = DirectiveParser.parse(message, "local").directives();
        assertEquals(4, local.tokens());
        assertEquals(new Fault(Fault.Kind.FAIL_AFTER, 2), local.fault());
        Directives cloud = DirectiveParser.parse(message, "cloud").directives();
        assertEquals(9, cloud.tokens());
        assertNull(cloud.fault());
        assertEquals(9, DirectiveParser.parse(message, "spare").directives().tokens());
        Directives unnamed = DirectiveParser.parse(message).directives();
        assertEquals(4, unnamed.tokens());
        assertNull(unnamed.fault());
        assertEquals("Hi", DirectiveParser.parse(message, "local").prompt());
    }

    @Test
    @DisplayName("faults on lines for different backends do not conflict; on one backend they do")
    void faultsPerBackend() {
        String message = "#sim: fail_after=1 on=local\n#sim: status=503 on=cloud";
        assertEquals(Fault.Kind.STATUS, DirectiveParser.parse(message, "cloud").directives().fault().kind());
        assertBad("#sim: fail_after=1 on=local\n#sim: status=503", "status", "local");
    }

    @Test
    @DisplayName("thinking=N is read; bad on= names and lines for other backends are still refused")
    void thinkingAndBadOn() {
        assertEquals(3, DirectiveParser.parsePairs("thinking=3").thinking());
        assertBad("#sim: thinking=x", "thinking");
        assertBad("#sim: tokens=1 on=Local", "on");
        assertBad("#sim: tokens=1 on=", "on");
        assertBad("#sim: tokens=lots on=cloud", "tokens", "local");
        assertThrows(IllegalArgumentException.class, () -> Fault.parse("fail_after=5 on=local"));
    }

    @Test
    @DisplayName("batch= names one agent's fault in a batch reply; other values and a default fault of it are refused")
    void batchFault() {
        assertEquals(BatchFault.OMIT, DirectiveParser.parsePairs("batch=omit").batch());
        assertEquals(BatchFault.CUT, DirectiveParser.parse("Hi\n#sim: batch=extra\n#sim: batch=cut").directives()
            .batch());
        for (BatchFault fault : BatchFault.values()) {
            assertEquals(fault, DirectiveParser.parsePairs("batch=" + fault.key()).batch());
        }
        assertNull(DirectiveParser.parse("Hi\n#sim: batch=omit on=cloud", "local").directives().batch());
        assertBad("#sim: batch=twice", "batch");
        assertBad("#sim: batch", "batch");
        assertThrows(IllegalArgumentException.class, () -> Fault.parse("batch=omit"));
    }

    private static void assertBad(String message, String key, String backend) {
        DirectiveException e = assertThrows(DirectiveException.class, () -> DirectiveParser.parse(message, backend),
            message);
        assertEquals(key, e.key(), e.getMessage());
    }

    private static void assertBad(String message, String key) {
        DirectiveException e = assertThrows(DirectiveException.class, () -> DirectiveParser.parse(message), message);
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
