package dev.parley.worker.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.schemas.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueCompressionTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("compress: {budgetTokens} is read on a route and a staged route; other routes have none")
    void read() throws Exception {
        Catalogue catalogue = load("""
            backends:
              a: {url: http://a/v1, model: gpt-4o}
            routes:
              default: [a]
              lean: {backends: [a], compress: {budgetTokens: 1200}}
              staged:
                compress: {budgetTokens: 800}
                stages:
                  - {stage: quick, backends: [a]}
                  - {stage: deep, backends: [a]}
            """);
        assertEquals(new Compression(1200), catalogue.routes().get("lean").compress());
        assertEquals(new Compression(800), catalogue.routes().get("staged").compress());
        assertNull(catalogue.routes().get("default").compress());
        assertNull(catalogue.routes().get("a").compress(), "a backend's own route does not compress");
        assertEquals(Route.of("default", List.of("a")), catalogue.routes().get("default"),
            "a route without compress is the route it always was");
    }

    @Test
    @DisplayName("a bad compress is refused naming the route and the problem")
    void problems() throws Exception {
        CatalogueException e = assertThrows(CatalogueException.class, () -> load("""
            backends:
              a: {url: http://a/v1, model: m}
            routes:
              default: [a]
              zero: {backends: [a], compress: {budgetTokens: 0}}
              words: {backends: [a], compress: {budgetTokens: many}}
              missing: {backends: [a], compress: {}}
              typo: {backends: [a], compress: {budgetTokens: 500, budget: 400}}
              scalar: {backends: [a], compress: 1200}
              fraction: {backends: [a], compress: {budgetTokens: 100.5}}
            """));
        assertEquals(List.of(
            "routes.zero.compress.budgetTokens: must be a whole number of at least 64, was 0",
            "routes.words.compress.budgetTokens: must be a whole number of at least 64, was 'many'",
            "routes.missing.compress.budgetTokens: is missing: the most tokens a context of this route may have",
            "routes.typo.compress.budget: unknown field (known: budgetTokens)",
            "routes.scalar.compress: must be a mapping of fields, was 1200",
            "routes.fraction.compress.budgetTokens: must be a whole number of at least 64, was 100.5"), e.problems());
    }

    private Catalogue load(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("backends.yaml"), yaml);
        return CatalogueLoader.load(new Env(Map.of(CatalogueLoader.FILE, file.toString())));
    }
}
