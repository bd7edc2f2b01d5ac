package dev.parley.worker.simulator;

/** A {@code #sim:} directive the simulator cannot follow; {@link #key()} names it for the 400 reply. */
final class DirectiveException extends IllegalArgumentException {

    private final String key;

    DirectiveException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The offending key, or the raw text when there was no key to speak of. */
    String key() {
        return key;
    }
}
