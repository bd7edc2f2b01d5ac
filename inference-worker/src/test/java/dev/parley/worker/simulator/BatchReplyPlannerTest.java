package dev.parley.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.worker.batch.BatchPrompt;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The plan of a batch call's reply, without a server: the array's tokens and what governs the whole call. */
class BatchReplyPlannerTest {

    private static final SimulatorConfig CONFIG = SimulatorConfig.defaults();
    private final BatchReplyPlanner planner = new BatchReplyPlanner(new ReplyPlanner(CONFIG));

    @Test
    @DisplayName("each object opens and closes in tokens of its own around the reply's escaped tokens")
    void tokens() {
        ReplyPlan plan = plan(null, "#sim: reply=\"Hi \\\"you\\\"\"", "#sim: reply=ok");
        assertEquals(List.of("[{\"agent\":\"a\",\"reply\":\"", "Hi", " \\\"you\\\"", "\"}",
            ",{\"agent\":\"b\",\"reply\":\"", "ok", "\"}", "]"), plan.tokens());
        assertEquals("[{\"agent\":\"a\",\"reply\":\"Hi \\\"you\\\"\"},{\"agent\":\"b\",\"reply\":\"ok\"}]",
            plan.text());
    }

    @Test
    @DisplayName("faults shape the array: omit, duplicate, extra, malformed; every agent omitted is an empty array")
    void faults() {
        assertEquals("[{\"agent\":\"b\",\"reply\":\"y\"}]", plan(null, "#sim: reply=x batch=omit", "#sim: reply=y")
            .text());
        assertEquals("[{\"agent\":\"a\",\"reply\":\"x\"},{\"agent\":\"a\",\"reply\":\"x\"}]",
            plan(null, "#sim: reply=x batch=duplicate").text());
        assertEquals("[{\"agent\":\"a\",\"reply\":\"x\"},{\"agent\":\"stranger\",\"reply\":\""
            + BatchReplyPlanner.STRANGER_REPLY + "\"}]", plan(null, "#sim: reply=x batch=extra").text());
        assertEquals("[{\"agent\":\"a\",\"reply\":\"x},{\"agent\":\"b\",\"reply\":\"y\"}]",
            plan(null, "#sim: reply=x batch=malformed", "#sim: reply=y").text());
        assertEquals("[]", plan(null, "#sim: batch=omit").text());
    }

    @Test
    @DisplayName("batch=cut drops the connection half-way through the agent's reply, unless a call fault comes first")
    void cut() {
        ReplyPlan plan = plan(null, "#sim: reply=x", "#sim: reply=\"one two three four\" batch=cut");
        // [a, x, "}, ,b, one, two | three, four, "}, ]
        assertEquals(new Fault(Fault.Kind.DISCONNECT_AFTER, 6), plan.fault());
        Fault early = new Fault(Fault.Kind.FAIL_AFTER, 2);
        assertEquals(early, plan(early, "#sim: reply=x", "#sim: reply=\"one two three four\" batch=cut").fault());
        Fault late = new Fault(Fault.Kind.STALL_AFTER, 7);
        assertEquals(Fault.Kind.DISCONNECT_AFTER,
            plan(late, "#sim: reply=x", "#sim: reply=\"one two three four\" batch=cut").fault().kind());
    }

    @Test
    @DisplayName("timing, finish and the call's fault come from the first agent that sets each; defaults otherwise")
    void callWide() {
        ParsedBatch call = call("Hi", "#sim: itl_ms=7 status=503", "#sim: ttft_ms=3 itl_ms=9 fail_after=1 finish=length");
        assertEquals(new Fault(Fault.Kind.STATUS, 503), call.callWide().fault());
        ReplyPlan plan = planner.plan(Protocol.OPENAI, new ReplyOptions(true, 0, true), messages(call), call, null, PrefixCache.Use.NONE);
        assertEquals(3, plan.ttftMs());
        assertEquals(7, plan.itlMs());
        assertEquals(ReplyPlan.LENGTH, plan.finishReason());
        ReplyPlan plain = plan(null, "Hi");
        assertEquals(CONFIG.timeToFirstToken().toMillis(), plain.ttftMs());
        assertEquals(CONFIG.interTokenLatency().toMillis(), plain.itlMs());
        assertEquals(ReplyPlan.STOP, plain.finishReason());
        assertEquals(CONFIG.replyTokens() + 3, plain.tokens().size(), "a generated reply, as alone");
    }

    @Test
    @DisplayName("max_tokens caps the whole array; a bad directive on any agent is refused")
    void capAndBadDirective() {
        ParsedBatch call = call("#sim: tokens=10", "#sim: tokens=10");
        ReplyPlan plan = planner.plan(Protocol.OLLAMA, new ReplyOptions(true, 5, false), messages(call), call, null, PrefixCache.Use.NONE);
        assertEquals(5, plan.tokens().size());
        assertEquals(ReplyPlan.LENGTH, plan.finishReason());
        DirectiveException e = assertThrows(DirectiveException.class, () -> call("Hi", "#sim: batch=sideways"));
        assertEquals("batch", e.key());
    }

    private ReplyPlan plan(Fault fault, String... messages) {
        ParsedBatch call = call(messages);
        return planner.plan(Protocol.OPENAI, new ReplyOptions(true, 0, false), messages(call), call, fault, PrefixCache.Use.NONE);
    }

    private static ParsedBatch call(String... messages) {
        List<BatchPrompt.Agent> agents = new ArrayList<>();
        for (int i = 0; i < messages.length; i++) {
            agents.add(new BatchPrompt.Agent(String.valueOf((char) ('a' + i)), null, messages[i]));
        }
        String userMessage = BatchPrompt.agentsJson(agents);
        return ParsedBatch.read(userMessage, BatchPrompt.parse(userMessage).orElseThrow(), null);
    }

    private static JsonArray messages(ParsedBatch call) {
        return new JsonArray().add(new JsonObject().put("role", "user").put("content", call.userMessage()));
    }
}
