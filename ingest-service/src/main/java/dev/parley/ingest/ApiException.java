package dev.parley.ingest;

/** A request the gateway refuses, with the HTTP status and the error code of the JSON error body. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final int retryAfterSeconds;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiException(int status, String code, String message, Throwable cause) {
        this(status, code, message, cause, 0);
    }

    private ApiException(int status, String code, String message, Throwable cause, int retryAfterSeconds) {
        // an expected outcome, not a bug: no stack trace to fill or log
        super(message, cause, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
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

    /** 429 over a limit, with a Retry-After header unless {@code retryAfterSeconds} is 0 (no time will do). */
    public static ApiException tooManyRequests(String code, String message, int retryAfterSeconds) {
        return new ApiException(429, code, message, null, Math.max(0, retryAfterSeconds));
    }

    /** 503 with a Retry-After header: a service the gateway depends on is down or busy for now. */
    public static ApiException unavailable(String code, String message, int retryAfterSeconds) {
        return new ApiException(503, code, message, null, Math.max(1, retryAfterSeconds));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Seconds for the Retry-After header; 0 when the answer has none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
