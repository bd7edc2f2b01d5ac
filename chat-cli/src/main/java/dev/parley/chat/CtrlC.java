package dev.parley.chat;

import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * Ctrl-C: while a reply streams, the first one cancels it; any other (a second one, or one at the prompt) exits.
 * The JVM's default would exit at once, so the client takes SIGINT over.
 */
final class CtrlC {

    /** Exit status after Ctrl-C, as a shell reports a process that SIGINT ended. */
    static final int EXIT_STATUS = 130;

    private final AtomicReference<Runnable> cancel = new AtomicReference<>();
    private final Runnable exit;

    private CtrlC(Runnable exit) {
        this.exit = exit;
    }

    /** Handles SIGINT from now on; {@code exit} runs on a Ctrl-C that does not cancel a reply. */
    static CtrlC install(Runnable exit) {
        CtrlC ctrlC = new CtrlC(exit);
        Signal.handle(new Signal("INT"), signal -> ctrlC.pressed());
        return ctrlC;
    }

    /** A reply streams: the next Ctrl-C runs {@code cancelIt} (once). */
    void streaming(Runnable cancelIt) {
        cancel.set(cancelIt);
    }

    /** No reply streams: the next Ctrl-C exits. */
    void idle() {
        cancel.set(null);
    }

    private void pressed() {
        Runnable cancelIt = cancel.getAndSet(null);
        if (cancelIt != null) {
            cancelIt.run();
        } else {
            exit.run();
        }
    }
}
