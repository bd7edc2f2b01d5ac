package dev.parley.ingest;

/** A request the gateway refuses, with the HTTP status and the error code of the JSON error body. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiException(int status, String code, String message, Throwable cause) {
        // an expected outcome, not a bug: no stack trace to fill or log
        super(message, cause, false, false);
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }

    public static ApiException notReady(String message) {
        return new ApiException(503, "not_ready", message);
    }

    public static ApiException kafkaWriteFailed(Throwable cause) {
        return new ApiException(500, "kafka_write_failed", "the event was not stored in Kafka: " + cause.getMessage(),
                cause);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
