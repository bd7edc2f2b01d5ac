package dev.parley.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.schemas.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdTest {

    @Test
    @DisplayName("without a setting, the id is made once and kept in the state directory, one per directory")
    void keptInTheStateDirectory(@TempDir Path a, @TempDir Path b) throws Exception {
        String first = InstanceId.of(config(a, null));
        assertTrue(first.startsWith("postprocess-"), first);
        assertEquals(first, InstanceId.of(config(a, null)), "the same id after a restart");
        assertEquals(first, Files.readString(a.resolve(InstanceId.FILE)).trim());
        assertNotEquals(first, InstanceId.of(config(b, null)), "another state directory, another instance");
    }

    @Test
    @DisplayName("a state directory that does not exist yet is created to keep the id")
    void createsTheStateDirectory(@TempDir Path work) {
        Path stateDir = work.resolve("not/yet");
        String id = InstanceId.of(config(stateDir, null));
        assertEquals(id, InstanceId.of(config(stateDir, null)));
    }

    @Test
    @DisplayName("a file that does not hold an id is replaced by a new one")
    void replacesAGarbledFile(@TempDir Path stateDir) throws Exception {
        Files.writeString(stateDir.resolve(InstanceId.FILE), "\u0000garbage");
        String id = InstanceId.of(config(stateDir, null));
        assertTrue(id.matches("postprocess-[0-9a-f-]{36}"), id);
    }

    @Test
    @DisplayName("PARLEY_POSTPROCESS_INSTANCE_ID wins, and none turns static membership off")
    void configuredOrNone(@TempDir Path stateDir) {
        assertEquals("postprocess-0", InstanceId.of(config(stateDir, "postprocess-0")));
        assertNull(InstanceId.of(config(stateDir, "none")));
        assertTrue(Files.notExists(stateDir.resolve(InstanceId.FILE)), "nothing is written when configured");
    }

    private static PostprocessConfig config(Path stateDir, String instanceId) {
        Map<String, String> env = new HashMap<>(Map.of(PostprocessConfig.STATE_DIR, stateDir.toString()));
        if (instanceId != null) {
            env.put(PostprocessConfig.INSTANCE_ID, instanceId);
        }
        return PostprocessConfig.fromEnvironment(new Env(env));
    }
}
