package dev.parley.postprocess.extract;

/** A commitment extractor could not answer: the model server failed, timed out or answered something unusable. */
public final class CommitmentExtractorException extends RuntimeException {

    /** The {@link #httpStatus()} of failures that got no HTTP answer (timeout, refused connection). */
    public static final int NO_STATUS = -1;

    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    public CommitmentExtractorException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The status of the server's answer, or {@link #NO_STATUS}. */
    public int httpStatus() {
        return httpStatus;
    }
}
