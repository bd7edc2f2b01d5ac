package dev.parley.chat;

/** An answer of the gateway other than the one asked for: its status and the {@code {"error": {code, message}}} it sent. */
final class GatewayException extends RuntimeException {

    private final int status;
    private final String code;

    GatewayException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** Worth asking again later: the gateway (or postprocess behind it) is not ready, or the caller is rate limited. */
    boolean retryable() {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    @Override
    public String toString() {
        return status + " " + code + ": " + getMessage();
    }
}
