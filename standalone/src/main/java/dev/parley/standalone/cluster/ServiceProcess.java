package dev.parley.standalone.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One Parley service as its own JVM ({@code java -cp <classpath> <main>}) with its environment, its output appended
 * to a log file across restarts; killed with SIGKILL ({@link Process#destroyForcibly()}) and started again as it
 * was.
 */
public final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final String mainClass;
    private final Map<String, String> env;
    private final List<String> jvmOptions;
    private final String classpath;
    private final Path log;
    /** The URL that answers 200 once the service is ready, or null when readiness is checked otherwise. */
    private final URI readyUrl;
    private volatile Process process;

    ServiceProcess(String name, String mainClass, Map<String, String> env, List<String> jvmOptions, String classpath,
                   Path log, URI readyUrl) {
        this.name = name;
        this.mainClass = mainClass;
        this.env = Map.copyOf(env);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.classpath = classpath;
        this.log = log;
        this.readyUrl = readyUrl;
    }

    public String name() {
        return name;
    }

    /** The environment it runs with (its ports, among others). */
    public Map<String, String> env() {
        return env;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** The operating system's id of the running process, or -1. */
    public long pid() {
        Process current = process;
        return current == null ? -1 : current.pid();
    }

    /** Starts the JVM; returns at once (see {@link #awaitReady}). */
    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("PARLEY_")); // only the settings given here
        builder.environment().putAll(env);
        try {
            Files.writeString(log, "=== " + Instant.now() + " starting " + name + " (" + mainClass + ")\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** SIGKILL: the JVM dies at once, whatever it was doing; returns once it is gone. */
    public void kill() {
        Process current = process;
        if (current == null) {
            return;
        }
        current.destroyForcibly();
        try {
            current.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        note("killed with SIGKILL");
    }

    /** SIGTERM, as an operator stops it: the shutdown hook runs; waits up to 30 s, then kills. */
    public void stop() {
        Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        current.destroy();
        try {
            if (!current.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            current.destroyForcibly();
        }
    }

    /**
     * Waits until its ready URL answers 200.
     *
     * @throws IllegalStateException with the end of its log when it exits first or is not ready in time
     */
    public void awaitReady(Duration atMost) {
        if (readyUrl == null) {
            return;
        }
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!ready()) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; its log ends:\n"
                    + logTail(60));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(name + " was not ready within " + atMost + " (" + readyUrl
                    + "); its log ends:\n" + logTail(60));
            }
            pause(100);
        }
    }

    /** True when its ready URL answers 200 now. */
    public boolean ready() {
        try {
            HttpRequest request = HttpRequest.newBuilder(readyUrl).timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last {@code lines} lines of its log. */
    public String logTail(int lines) {
        try (Stream<String> all = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> list = all.collect(Collectors.toList());
            return String.join("\n", list.subList(Math.max(0, list.size() - lines), list.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }

    /** The lines of its log at ERROR level. */
    public List<String> errors() {
        try (Stream<String> all = Files.lines(log, StandardCharsets.UTF_8)) {
            return all.filter(line -> line.contains(" ERROR ")).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of("(could not read " + log + ": " + e + ")");
        }
    }

    private void note(String what) {
        try {
            Files.writeString(log, "=== " + Instant.now() + " " + name + " " + what + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the note is a courtesy to the reader of the log
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The stacks of this process's Parley threads ({@code parley-*}, {@code vert.x-*} and Kafka's), from {@code jcmd
     * Thread.print}, for a failure message; a line saying why when it cannot take them.
     */
    public String threadDump() {
        ProcessHandle current = ProcessHandle.of(pid()).orElse(null);
        if (current == null || !current.isAlive()) {
            return "(not running)";
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process dump = new ProcessBuilder(jcmd, Long.toString(pid()), "Thread.print").redirectErrorStream(true).start();
            String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            dump.waitFor(30, TimeUnit.SECONDS);
            return Arrays.stream(text.split("\n\n"))
                .filter(stack -> stack.startsWith("\"parley") || stack.startsWith("\"main\"")
                    || stack.contains("kafka-coordinator-heartbeat"))
                .collect(Collectors.joining("\n\n"));
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + (isAlive() ? " (pid " + pid() + ")" : " (not running)");
    }
}
