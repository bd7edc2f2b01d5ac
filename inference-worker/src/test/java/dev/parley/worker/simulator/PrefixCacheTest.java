package dev.parley.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The simulator's prefix cache reads a leading system prefix it has answered before")
class PrefixCacheTest {

    private static final String PERSONA = "You are a pirate who answers in five words";

    @Test
    @DisplayName("OpenAI: the first request misses, a later one with the same leading system message reads its words")
    void openAi() {
        PrefixCache cache = new PrefixCache();
        assertEquals(PrefixCache.Use.NONE, cache.use(Protocol.OPENAI, "", messages(system(PERSONA), user("a"))));
        assertEquals(new PrefixCache.Use(9, 0),
            cache.use(Protocol.OPENAI, "", messages(system(PERSONA), system("Other memory"), user("b"))));
        assertEquals(new PrefixCache.Use(11, 0),
            cache.use(Protocol.OPENAI, "", messages(system(PERSONA), system("Other memory"), user("c"))));
    }

    @Test
    @DisplayName("each simulated backend has its own cache, and a changed prefix misses")
    void perBackendAndExact() {
        PrefixCache cache = new PrefixCache();
        cache.use(Protocol.OPENAI, "local", messages(system(PERSONA), user("a")));
        assertEquals(PrefixCache.Use.NONE, cache.use(Protocol.OPENAI, "spare", messages(system(PERSONA), user("a"))));
        assertEquals(PrefixCache.Use.NONE,
            cache.use(Protocol.OPENAI, "local", messages(system(PERSONA + "!"), user("a"))));
    }

    @Test
    @DisplayName("Anthropic: a block marked cache_control is written on a miss and read on a hit; unmarked, no cache")
    void anthropic() {
        PrefixCache cache = new PrefixCache();
        JsonObject marked = system(PERSONA).put("cache_control", new JsonObject().put("type", "ephemeral"));
        assertEquals(new PrefixCache.Use(0, 9),
            cache.use(Protocol.ANTHROPIC, "", messages(marked, system("Be brief."), user("a"))));
        assertEquals(new PrefixCache.Use(9, 0),
            cache.use(Protocol.ANTHROPIC, "", messages(marked.copy(), system("Other."), user("b"))));
        assertEquals(PrefixCache.Use.NONE, cache.use(Protocol.ANTHROPIC, "", messages(system(PERSONA), user("c"))));
        assertEquals(PrefixCache.Use.NONE, cache.use(Protocol.ANTHROPIC, "", messages(system(PERSONA), user("c"))));
    }

    @Test
    @DisplayName("Ollama reports no cache")
    void ollama() {
        PrefixCache cache = new PrefixCache();
        cache.use(Protocol.OLLAMA, "", messages(system(PERSONA), user("a")));
        assertEquals(PrefixCache.Use.NONE, cache.use(Protocol.OLLAMA, "", messages(system(PERSONA), user("a"))));
    }

    private static JsonArray messages(JsonObject... messages) {
        JsonArray array = new JsonArray();
        for (JsonObject message : messages) {
            array.add(message);
        }
        return array;
    }

    private static JsonObject system(String text) {
        return new JsonObject().put("role", "system").put("content", text);
    }

    private static JsonObject user(String text) {
        return new JsonObject().put("role", "user").put("content", text);
    }
}
