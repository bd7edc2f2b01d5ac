package dev.parley.worker.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.parley.schemas.config.Env;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.BackendKind;
import dev.parley.worker.backend.BreakerSettings;
import dev.parley.worker.backend.Prices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueLoaderTest {

    static final String GOOD = """
        backends:
          local:
            kind: openai
            url: http://localhost:8090/local/v1/
            model: llama3.2
            connectTimeoutMs: 2000
            firstTokenTimeoutMs: 10000
            idleTimeoutMs: 5000
            totalTimeoutMs: 120000
            stream: false
            maxConcurrent: 4
            prices: {inputPerMillion: 0.5, outputPerMillion: 1.5}
            breaker: {failureRatePercent: 40, minimumCalls: 5, windowCalls: 10, openForMs: 1000, halfOpenCalls: 1}
          cloud:
            kind: anthropic
            url: https://api.anthropic.com
            model: claude-sonnet-4-5
            apiKeyEnv: CLOUD_KEY
        routes:
          default: [local, cloud]
          deep: {backends: [cloud, local], confidence: 0.9}
          staged:
            stages:
              - {stage: quick, backends: [local], confidence: 0.5}
              - {stage: synthesis, backends: [cloud, local]}
        router:
          default: default
          spotlight: deep
          rules:
            - {name: code, when: {hasCode: true}, route: deep}
            - {name: small-talk, when: {pattern: '(?i)^(hi|hello)\\b', maxChars: 80}, route: default}
        """;

    static final String CLOUD_KEY = "sk-ant-very-secret-1234";

    @TempDir
    Path dir;

    @Test
    @DisplayName("a YAML catalogue is read with every field, and the same catalogue as JSON loads identically")
    void yamlAndJson() throws Exception {
        Path yaml = write("backends.yaml", GOOD);
        ObjectMapper json = new ObjectMapper();
        Path jsonFile = write("backends.json",
            json.writerWithDefaultPrettyPrinter().writeValueAsString(new YAMLMapper().readTree(GOOD)));
        Catalogue fromYaml = CatalogueLoader.load(env(yaml, "CLOUD_KEY", CLOUD_KEY));
        Catalogue fromJson = CatalogueLoader.load(env(jsonFile, "CLOUD_KEY", CLOUD_KEY));
        assertEquals(fromYaml, fromJson);

        BackendConfig local = new BackendConfig("local", BackendKind.OPENAI, "http://localhost:8090/local/v1",
            "llama3.2", null, Duration.ofMillis(2000), Duration.ofMillis(10000), Duration.ofMillis(5000),
            Duration.ofMillis(120000), false, 4, new Prices(0.5, 1.5),
            new BreakerSettings(40, 5, 10, Duration.ofSeconds(1), 1));
        assertEquals(local, fromYaml.backends().get("local"));
        BackendConfig cloud = fromYaml.backends().get("cloud");
        assertEquals(BackendConfig.of("cloud", BackendKind.ANTHROPIC, "https://api.anthropic.com",
            "claude-sonnet-4-5").withApiKey(CLOUD_KEY), cloud);
        assertEquals(List.of("local", "cloud"), List.copyOf(fromYaml.backends().keySet()));

        assertEquals(Route.of("default", List.of("local", "cloud")), fromYaml.routes().get("default"));
        assertEquals(new Route("deep", List.of(Stage.answer(List.of("cloud", "local"), 0.9f))),
            fromYaml.routes().get("deep"));
        Route staged = fromYaml.routes().get("staged");
        assertTrue(staged.staged());
        assertFalse(fromYaml.routes().get("deep").staged());
        assertEquals(List.of(new Stage("quick", List.of("local"), 0.5f),
            new Stage("synthesis", List.of("cloud", "local"), null)), staged.stages());
        assertEquals(new RouterSettings("default", "deep", List.of(
            new RouteRule("code", new RuleCondition(null, null, null, true, null, null), "deep"),
            new RouteRule("small-talk", new RuleCondition("(?i)^(hi|hello)\\b", null, 80, null, null, null),
                "default"))), fromYaml.router());
    }

    @Test
    @DisplayName("the documented example, docs/backends.example.yaml, loads")
    void documentedExample() {
        Path example = Path.of("..", "docs", "backends.example.yaml");
        Catalogue catalogue = CatalogueLoader.load(example, new Env(Map.of("LOCAL_KEY", "k1",
            "ANTHROPIC_API_KEY", "k2")));
        assertEquals(List.of("local", "cloud"), List.copyOf(catalogue.backends().keySet()));
        assertEquals(List.of("default", "deep", "npc", "staged", "local", "cloud"),
            List.copyOf(catalogue.routes().keySet()),
            "the declared routes, then each backend as a route of its own name");
        assertEquals(List.of("cloud"), catalogue.routes().get("cloud").stages().get(0).backends(),
            "a backend's own route is that backend alone, no fallback");
        assertEquals(5, catalogue.router().rules().size());
        assertTrue(catalogue.routes().get("staged").staged());
        assertEquals(new BatchWindow(8, Duration.ofMillis(50), false), catalogue.routes().get("npc").batch());
        assertEquals(new Compression(4000), catalogue.routes().get("deep").compress());
    }

    @Test
    @DisplayName("a bad catalogue is refused naming every problem at once")
    void everyProblemNamed() throws Exception {
        Path file = write("bad.yaml", """
            backends:
              a:
                kind: gpt
                url: ftp://a
                apiKey: sk-literal-secret
              b:
                url: http://b:1/v1
                model: m
                apiKeyEnv: B_KEY_MISSING
                idleTimeoutMs: 0
                modle: typo
              c:
                kind: anthropic
                url: https://api.anthropic.com
                model: claude
              d:
                url: http://d/v1
                model: m
                apiKeyFile: %s
            routes:
              default: [a, nope]
              empty: []
              staged:
                stages:
                  - {stage: deep, backends: [b]}
                  - {stage: slow, backends: [b]}
            router:
              default: missing
              spotlight: gone
              rules:
                - {name: r1, when: {pattern: "(unclosed"}, route: elsewhere}
            """.formatted(dir.resolve("no-such-key")));
        CatalogueException e = assertThrows(CatalogueException.class,
            () -> CatalogueLoader.load(env(file)));
        List<String> expected = List.of(
            "backends.a.apiKey: a key is never written in the catalogue: keys come from apiKeyEnv or apiKeyFile",
            "backends.a.kind: unknown kind 'gpt' (kinds: openai, ollama, anthropic)",
            "backends.a.url: 'ftp://a': the LLM URL must start with http:// or https://",
            "backends.a.model: is missing",
            "backends.b.modle: unknown field (known: apiKeyEnv, apiKeyFile, breaker, connectTimeoutMs, "
                + "firstTokenTimeoutMs, idleTimeoutMs, kind, maxConcurrent, model, prices, stream, totalTimeoutMs, url)",
            "backends.b.apiKeyEnv: the environment variable B_KEY_MISSING is not set or is empty",
            "backends.b.idleTimeoutMs: must be a whole number of at least 1, was 0",
            "backends.c: an anthropic backend needs a key (apiKeyEnv, apiKeyFile or PARLEY_BACKEND_C_API_KEY) unless "
                + "its URL is on this machine",
            "backends.d.apiKeyFile: the key file " + dir.resolve("no-such-key") + " does not exist",
            "routes.default: unknown backend 'nope' (backends: a, b, c, d)",
            "routes.empty: is empty: a route needs at least one backend",
            "routes.staged.stages[1].stage: unknown stage 'slow' (stages: answer alone, or quick, deep, synthesis in "
                + "that order)",
            "router.default: unknown route 'missing' (routes: default, empty, staged)",
            "router.spotlight: unknown route 'gone' (routes: default, empty, staged)",
            "router.rules[0].route: unknown route 'elsewhere' (routes: default, empty, staged)",
            "router.rules[0].when.pattern: invalid regex: Unclosed group near index 9");
        assertEquals(expected, e.problems());
        assertFalse(e.getMessage().contains("sk-literal-secret"), e.getMessage());
    }

    @Test
    @DisplayName("stages out of order, a typo in a rule and a rule without a condition are refused")
    void routeAndRuleProblems() throws Exception {
        Path file = write("bad.yaml", """
            backends:
              a: {url: http://a/v1, model: m}
            routes:
              default:
                stages:
                  - {stage: deep, backends: [a]}
                  - {stage: quick, backends: [a]}
              both: {backends: [a], stages: []}
            router:
              rules:
                - {name: r1, when: {}, route: default}
                - {name: r1, when: {minChars: 10, maxchars: 5}, route: default}
                - {name: spotlight, when: {question: true}, route: default}
            """);
        CatalogueException e = assertThrows(CatalogueException.class, () -> CatalogueLoader.load(env(file)));
        assertEquals(List.of(
            "routes.default.stages[1].stage: 'quick' is out of order (quick, deep, synthesis)",
            "routes.both: has stages: its backends and confidence go in each stage",
            "router.rules[0].when: has no condition: a rule that matches every turn is what router.default is for",
            "router.rules[1].name: 'r1' is used by an earlier rule",
            "router.rules[1].when.maxchars: unknown field (known: hasCode, maxChars, minChars, pattern, question, "
                + "recentRoute)",
            "router.rules[2].name: 'spotlight' is reserved for the router's own decisions"), e.problems());
    }

    @Test
    @DisplayName("a route's batch window is read, and a bad one is refused naming the problem")
    void batchWindow() throws Exception {
        Path good = write("batch.yaml", """
            backends:
              a: {url: http://a/v1, model: m}
            routes:
              default: [a]
              npc: {backends: [a], batch: {maxSize: 8, maxWaitMs: 50}}
              npc2: {backends: [a], batch: {maxSize: 4, maxWaitMs: 0, retryAlone: true}}
            """);
        Catalogue catalogue = CatalogueLoader.load(env(good));
        assertEquals(new BatchWindow(8, Duration.ofMillis(50), false), catalogue.routes().get("npc").batch());
        assertEquals(new BatchWindow(4, Duration.ZERO, true), catalogue.routes().get("npc2").batch());
        assertNull(catalogue.routes().get("default").batch());
        Path bad = write("bad-batch.yaml", """
            backends:
              a: {url: http://a/v1, model: m}
            routes:
              default: {backends: [a], batch: {maxSize: 0, maxWait: 50}}
            """);
        CatalogueException e = assertThrows(CatalogueException.class, () -> CatalogueLoader.load(env(bad)));
        assertEquals(List.of(
            "routes.default.batch.maxWait: unknown field (known: maxSize, maxWaitMs, retryAlone)",
            "routes.default.batch.maxSize: must be a number from 1.0 to 32.0, was 0",
            "routes.default.batch.maxWaitMs: is missing"), e.problems());
    }

    @Test
    @DisplayName("PARLEY_BACKEND_<NAME>_* override the file's URL, model, key, bulkhead and streaming")
    void environmentOverrides() throws Exception {
        Path file = write("backends.yaml", """
            backends:
              local-gpu: {url: http://localhost:1/v1, model: small, maxConcurrent: 2, apiKeyEnv: UNSET_VAR}
            routes:
              default: [local-gpu]
            """);
        Catalogue catalogue = CatalogueLoader.load(env(file,
            "PARLEY_BACKEND_LOCAL_GPU_URL", "http://gpu-box:8000/v1",
            "PARLEY_BACKEND_LOCAL_GPU_MODEL", "big",
            "PARLEY_BACKEND_LOCAL_GPU_API_KEY", "injected-key",
            "PARLEY_BACKEND_LOCAL_GPU_MAX_CONCURRENT", "32",
            "PARLEY_BACKEND_LOCAL_GPU_STREAM", "false"));
        BackendConfig backend = catalogue.backends().get("local-gpu");
        assertEquals(BackendConfig.of("local-gpu", BackendKind.OPENAI, "http://gpu-box:8000/v1", "big")
            .withApiKey("injected-key").withMaxConcurrent(32).withStream(false), backend);
    }

    @Test
    @DisplayName("bad override values are named by their variable")
    void badOverrides() throws Exception {
        Path file = write("backends.yaml", "backends: {a: {url: 'http://a/v1', model: m}}\nroutes: {default: [a]}\n");
        CatalogueException e = assertThrows(CatalogueException.class, () -> CatalogueLoader.load(env(file,
            "PARLEY_BACKEND_A_URL", "gopher://x", "PARLEY_BACKEND_A_MAX_CONCURRENT", "many",
            "PARLEY_BACKEND_A_STREAM", "yes")));
        assertEquals(List.of(
            "PARLEY_BACKEND_A_URL: 'gopher://x': the LLM URL must start with http:// or https://",
            "PARLEY_BACKEND_A_STREAM: must be true or false, was 'yes'",
            "PARLEY_BACKEND_A_MAX_CONCURRENT: must be a whole number of at least 1, was 'many'"), e.problems());
    }

    @Test
    @DisplayName("keys come from an environment variable or a secret file and never show in toString")
    void keysFromEnvAndFile() throws Exception {
        Path keyFile = write("key.txt", "sk-from-file-5678\n");
        Path file = write("backends.yaml", """
            backends:
              fromEnv: {kind: anthropic, url: https://api.anthropic.com, model: m, apiKeyEnv: CLOUD_KEY}
              fromFile: {kind: openai, url: https://api.openai.com/v1, model: m, apiKeyFile: %s}
            routes:
              default: [fromEnv, fromFile]
            """.formatted(keyFile));
        Catalogue catalogue = CatalogueLoader.load(env(file, "CLOUD_KEY", CLOUD_KEY));
        assertEquals(CLOUD_KEY, catalogue.backends().get("fromEnv").apiKey());
        assertEquals("sk-from-file-5678", catalogue.backends().get("fromFile").apiKey());
        assertFalse(catalogue.toString().contains(CLOUD_KEY), catalogue.toString());
        assertFalse(catalogue.toString().contains("sk-from-file"), catalogue.toString());
    }

    @Test
    @DisplayName("an empty key file is refused by name")
    void emptyKeyFile() throws Exception {
        Path keyFile = write("empty-key", "  \n");
        Path file = write("backends.yaml", "backends: {a: {url: 'http://a/v1', model: m, apiKeyFile: '" + keyFile
            + "'}}\nroutes: {default: [a]}\n");
        CatalogueException e = assertThrows(CatalogueException.class, () -> CatalogueLoader.load(env(file)));
        assertEquals(List.of("backends.a.apiKeyFile: the key file " + keyFile + " is empty"), e.problems());
    }

    @Test
    @DisplayName("an anthropic backend on this machine (the simulator) needs no key")
    void anthropicOnLoopback() throws Exception {
        Path file = write("backends.yaml", """
            backends:
              sim: {kind: anthropic, url: 'http://127.0.0.1:8090', model: m}
              sim2: {kind: anthropic, url: 'http://localhost:8090', model: m}
            routes: {default: [sim, sim2]}
            """);
        Catalogue catalogue = CatalogueLoader.load(env(file));
        assertNull(catalogue.backends().get("sim").apiKey());
    }

    @Test
    @DisplayName("without PARLEY_BACKENDS_FILE the PARLEY_LLM_* backend is the one backend of route default")
    void singleBackendFallback() {
        Env env = new Env(Map.of("PARLEY_LLM_URL", "http://ollama:11434/v1", "PARLEY_LLM_MODEL", "llama3.2"));
        Catalogue catalogue = CatalogueLoader.load(env);
        env.validate();
        BackendConfig backend = BackendConfig.of("http://ollama:11434/v1", "llama3.2");
        assertEquals(Catalogue.single(backend), catalogue);
        assertEquals(Map.of("default", backend), catalogue.backends());
        assertEquals(Route.of("default", List.of("default")), catalogue.routes().get("default"));
        assertEquals("default", catalogue.router().defaultRoute());
        assertTrue(catalogue.router().rules().isEmpty());
    }

    @Test
    @DisplayName("a missing file, bad YAML and a duplicated key are refused")
    void unreadableFiles() throws Exception {
        CatalogueException missing = assertThrows(CatalogueException.class,
            () -> CatalogueLoader.load(env(dir.resolve("nope.yaml"))));
        assertTrue(missing.problems().get(0).contains("does not exist"), missing.getMessage());
        Path bad = write("bad.yaml", "backends: [unclosed\n");
        CatalogueException syntax = assertThrows(CatalogueException.class, () -> CatalogueLoader.load(env(bad)));
        assertTrue(syntax.problems().get(0).startsWith("not valid YAML at line"), syntax.getMessage());
        Path duplicate = write("dup.json", "{\"backends\": {}, \"backends\": {}}");
        CatalogueException dup = assertThrows(CatalogueException.class, () -> CatalogueLoader.load(env(duplicate)));
        assertTrue(dup.problems().get(0).startsWith("not valid JSON"), dup.getMessage());
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private static Env env(Path file, String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put(CatalogueLoader.FILE, file.toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return new Env(env);
    }
}
