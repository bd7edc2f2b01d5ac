package dev.parley.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The catalogue of the standalone run when no LLM is configured: a "local" (OpenAI protocol) and a "cloud"
 * (Anthropic protocol) backend, both on the built-in simulator, with a fallback route, a deep route and a staged
 * one. Written into the data directory so the run's catalogue can be read, copied and edited.
 */
final class DemoCatalogue {

    static final String RESOURCE = "/demo-backends.yaml";
    static final String FILE_NAME = "demo-backends.yaml";
    private static final String SIMULATOR = "${SIMULATOR}";

    private DemoCatalogue() {
    }

    /** Writes the catalogue with the simulator's address, e.g. http://localhost:8090, and returns its path. */
    static Path write(Path dataDir, String simulatorRoot) {
        try (InputStream in = DemoCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(SIMULATOR, simulatorRoot);
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve(FILE_NAME);
            Files.writeString(file, text);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the demo catalogue into " + dataDir, e);
        }
    }
}
