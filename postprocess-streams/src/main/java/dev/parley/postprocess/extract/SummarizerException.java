package dev.parley.postprocess.extract;

/** A summarizer could not produce a summary: the model server failed, timed out or answered nonsense. */
public final class SummarizerException extends RuntimeException {

    public SummarizerException(String message) {
        super(message);
    }

    public SummarizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
