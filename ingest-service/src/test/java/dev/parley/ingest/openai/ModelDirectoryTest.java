package dev.parley.ingest.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.schemas.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {

    @Test
    void withoutACatalogueTheConfiguredModelIsTheOneModelAndTheRouterDecides() {
        ModelDirectory models = ModelDirectory.fromEnvironment(new Env(Map.of("PARLEY_LLM_MODEL", "llama3.2")));
        assertEquals(List.of("llama3.2"), models.ids());
        assertTrue(models.knows("llama3.2"));
        assertNull(models.routeOf("llama3.2"));
        assertFalse(models.knows("gpt-4o"));
        assertEquals(List.of("parley-simulator"), ModelDirectory.fromEnvironment(new Env(Map.of())).ids());
    }

    @Test
    void theDocumentedCatalogueGivesItsRoutesThenItsBackends() {
        ModelDirectory models = ModelDirectory.fromEnvironment(new Env(Map.of("PARLEY_BACKENDS_FILE",
            Path.of("..", "docs", "backends.example.yaml").toString())));
        assertEquals(List.of("default", "deep", "npc", "staged", "local", "cloud"), models.ids());
        assertEquals("deep", models.routeOf("deep"));
        assertEquals("cloud", models.routeOf("cloud"));
    }

    @Test
    void aJsonCatalogueWithARouteNamedLikeABackendListsItOnce(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.json"), "{\"backends\":{\"a\":{},\"b\":{}},\"routes\":{\"a\":[\"b\"]}}");
        assertEquals(List.of("a", "b"), ModelDirectory.fromCatalogue(file).ids());
    }

    @Test
    void anUnreadableCatalogueIsASettingError(@TempDir Path dir) {
        Env env = new Env(Map.of("PARLEY_BACKENDS_FILE", dir.resolve("missing.yaml").toString()));
        ModelDirectory.fromEnvironment(env);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, env::validate);
        assertTrue(e.getMessage().contains("PARLEY_BACKENDS_FILE"), e.getMessage());
    }
}
