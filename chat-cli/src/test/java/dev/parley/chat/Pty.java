package dev.parley.chat;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command run in a real pseudo-terminal by util-linux {@code script}: what the test types goes through the
 * terminal's line discipline (so {@code \u0003} is Ctrl-C, a SIGINT to the command), and what it prints is recorded
 * read by read.
 */
final class Pty implements AutoCloseable {

    static final String CTRL_C = "\u0003";
    static final String CTRL_D = "\u0004";

    private final Process process;
    private final OutputStream keyboard;
    private final StringBuilder screen = new StringBuilder();
    /** The length of {@link #screen} after each read: how the output arrived. */
    private final List<Integer> reads = new ArrayList<>();

    private Pty(Process process) {
        this.process = process;
        this.keyboard = process.getOutputStream();
        Thread reader = new Thread(() -> read(process.getInputStream()), "pty-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Runs {@code command} (a shell command line) in {@code dir} in a new pseudo-terminal. */
    static Pty run(Path dir, Map<String, String> env, String command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("script", "--quiet", "--return", "--command", command, "/dev/null")
                .directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        return new Pty(builder.start());
    }

    /** Types {@code keys}; a line ends with "\r", the Enter key. */
    void type(String keys) throws IOException {
        keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    /** Everything the terminal showed so far, with the terminal's "\r\n" as "\n". */
    synchronized String screen() {
        return screen.toString().replace("\r\n", "\n");
    }

    /** Waits until the screen shows {@code text} after position {@code from}; the position just past it. */
    int awaitText(String text, int from) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> screen().indexOf(text, from) >= 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the terminal never showed «" + text + "» after " + from + "; it shows:\n"
                    + screen(), e);
        }
        return screen().indexOf(text, from) + text.length();
    }

    /** How many separate reads delivered the screen's characters between {@code from} and {@code to} (raw). */
    synchronized long readsBetween(int from, int to) {
        return reads.stream().filter(end -> end > from && end <= to).count();
    }

    /** The raw position of a text's end in the screen (before "\r\n" became "\n"). */
    synchronized int rawIndexOf(String text) {
        return screen.indexOf(text);
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("did not exit; the terminal shows:\n" + screen());
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    private void read(InputStream output) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = output.read(buffer)) > 0; ) {
                synchronized (this) {
                    screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    reads.add(screen.length());
                }
            }
        } catch (IOException ended) {
            // the process is gone
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
