package dev.parley.chat;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where the client writes: replies and command answers to stdout, notices (the session, a lost connection, a
 * cancel) to stderr, so {@code ./parley chat > reply.txt} keeps only the reply. Both UTF-8, flushed at every write.
 */
final class Screen implements ReplyView {

    static final String LOST = "[connection lost; resuming]";

    private final PrintStream out;
    private final PrintStream err;
    /** Whether the cursor is at the start of a line: a notice after half a reply starts on a line of its own. */
    private boolean lineStart = true;

    Screen(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    static Screen system() {
        return new Screen(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
    }

    synchronized void prompt(String text) {
        out.print(text);
        out.flush();
        lineStart = false;
    }

    /** A line of output (a command's answer). */
    synchronized void line(String text) {
        endLine();
        out.println(text);
        lineStart = true;
    }

    /** A line on stderr, on a line of its own: after half a reply the line break goes to stderr too, so stdout stays the reply. */
    synchronized void notice(String text) {
        if (!lineStart) {
            err.println();
        }
        err.println(text);
        lineStart = true;
    }

    /** After a reply or an interrupted prompt: whatever comes next starts a line. */
    synchronized void endLine() {
        if (!lineStart) {
            out.println();
            lineStart = true;
        }
    }

    /** Marks that the user's Enter (echoed by the terminal) started a new line. */
    synchronized void entered() {
        lineStart = true;
    }

    @Override
    public synchronized void token(String text) {
        if (!text.isEmpty()) {
            out.print(text);
            out.flush();
            lineStart = text.endsWith("\n");
        }
    }

    @Override
    public void stageStarted(String stage, String backend) {
        notice("── " + stage + (backend == null ? "" : " (" + backend + ")") + " ──");
    }

    @Override
    public void regenerating(int attempt) {
        notice("[the reply is being regenerated: attempt " + attempt + "]");
    }

    @Override
    public void connectionLost() {
        notice(LOST);
    }
}
