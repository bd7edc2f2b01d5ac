package dev.parley.standalone;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The environment of an all-in-one Parley started inside a test: every port free, data in the test's directory. */
final class StandaloneEnv {

    private StandaloneEnv() {
    }

    /** Free ports, no embeddings model (the tests that need one say so), plus {@code more}. */
    static Map<String, String> onFreePorts(Path dataDir, Map<String, String> more) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("PARLEY_DATA_DIR", dataDir.toString(),
            "PARLEY_KAFKA_PORT", "0", "PARLEY_REGISTRY_PORT", "0", "PARLEY_POSTPROCESS_PORT", "0",
            "PARLEY_HTTP_PORT", "0", "PARLEY_WORKER_METRICS_PORT", "0", "PARLEY_EMBEDDINGS", "none"));
        env.putIfAbsent("PARLEY_SIMULATOR_PORT", String.valueOf(ParleyProcess.freePort()));
        env.putAll(more);
        return env;
    }
}
