package dev.parley.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.standalone.client.ParleyHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A pinned Node.js client of the tests (a script beside its package-lock.json) run as {@code node <script> <command>
 * <json args>}: it prints one JSON line of what it saw, which the test asserts on.
 */
record NodeScript(Path dir, String script) {

    /** Fails the test unless {@code npm ci} has installed {@code npmPackage} beside the script. */
    void requireInstalled(String npmPackage) {
        assertTrue(Files.exists(dir.resolve("node_modules").resolve(npmPackage).resolve("package.json")),
            npmPackage + " is not installed: run `npm ci` in standalone/" + dir + " (the build does it when missing)");
    }

    /** Runs one command and returns the JSON line it printed; fails the test when node fails or prints nothing. */
    JsonNode run(String command, JsonNode args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of("node", script, command, ParleyHttp.JSON.writeValueAsString(args)))
            .directory(dir.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        byte[] stdout = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "node " + command + " did not finish");
        String output = new String(stdout, StandardCharsets.UTF_8).trim();
        assertEquals(0, process.exitValue(), "node " + command + " failed; it printed: " + output);
        JsonNode result = ParleyHttp.JSON.readTree(output);
        assertNotNull(result, "node " + command + " printed nothing");
        return result;
    }
}
