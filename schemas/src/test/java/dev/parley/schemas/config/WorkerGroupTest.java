package dev.parley.schemas.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The worker group is read the same way by the worker and the gateway")
class WorkerGroupTest {

    @Test
    @DisplayName("an unset or blank PARLEY_WORKER_GROUP means parley-inference-worker")
    void defaultGroup() {
        assertEquals("parley-inference-worker", WorkerGroup.fromEnvironment(new Env(Map.of())));
        assertEquals("parley-inference-worker", WorkerGroup.fromEnvironment(new Env(Map.of("PARLEY_WORKER_GROUP", " "))));
    }

    @Test
    @DisplayName("PARLEY_WORKER_GROUP names the group, trimmed")
    void namedGroup() {
        assertEquals("workers-eu", WorkerGroup.fromEnvironment(new Env(Map.of("PARLEY_WORKER_GROUP", " workers-eu "))));
    }

    @Test
    @DisplayName("a group with whitespace inside is reported by validate, naming the key")
    void whitespaceIsAnError() {
        Env env = new Env(Map.of("PARLEY_WORKER_GROUP", "my workers"));
        WorkerGroup.fromEnvironment(env);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, env::validate);
        assertTrue(error.getMessage().contains("PARLEY_WORKER_GROUP=my workers"), error.getMessage());
    }
}
