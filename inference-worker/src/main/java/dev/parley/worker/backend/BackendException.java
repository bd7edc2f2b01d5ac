package dev.parley.worker.backend;

import java.util.Objects;

/** Why a generation failed, in words fit for a ReplyFailed reason, and its {@link FailureKind}. */
public class BackendException extends RuntimeException {

    private final FailureKind kind;

    public BackendException(String message) {
        this(FailureKind.PROTOCOL, message);
    }

    public BackendException(String message, Throwable cause) {
        this(FailureKind.PROTOCOL, message, cause);
    }

    public BackendException(FailureKind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public BackendException(FailureKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public FailureKind kind() {
        return kind;
    }
}
