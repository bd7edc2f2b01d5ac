package dev.parley.worker.backend;

/** Why a generation failed, in words fit for a ReplyFailed reason. */
public class BackendException extends RuntimeException {

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
