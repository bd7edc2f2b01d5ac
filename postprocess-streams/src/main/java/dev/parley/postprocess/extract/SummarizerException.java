package dev.parley.postprocess.extract;

/** A summarizer could not produce a summary: the model server failed, timed out or answered nonsense. */
public final class SummarizerException extends RuntimeException {

    /** The {@link #httpStatus()} of failures that got no HTTP answer (timeout, refused connection). */
    public static final int NO_STATUS = -1;

    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    public SummarizerException(String message, int httpStatus) {
        this(message, httpStatus, null);
    }

    public SummarizerException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The status of the server's answer, or {@link #NO_STATUS}; lets a caller retry a 5xx but not a 4xx. */
    public int httpStatus() {
        return httpStatus;
    }
}
