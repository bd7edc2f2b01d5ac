package dev.parley.worker.backend;

import java.util.Locale;

/** Why a generation failed, coarse enough to count in metrics and to decide on retries and the circuit breaker. */
public enum FailureKind {
    /** The TCP or TLS connection could not be made. */
    CONNECT,
    /** The backend answered HTTP 5xx (except 529). */
    HTTP_5XX,
    /** The backend answered HTTP 429: rate limited. */
    HTTP_429,
    /** The backend is overloaded: HTTP 529 or an {@code overloaded_error} event mid-stream. */
    OVERLOADED,
    /** The backend answered HTTP 4xx (except 429): a bad request, key or model. */
    HTTP_4XX,
    /** No first token within the first-token timeout. */
    FIRST_TOKEN_TIMEOUT,
    /** After the first token, no data within the idle timeout. */
    IDLE_STALL,
    /** The whole generation took longer than the total timeout. */
    TOTAL_TIMEOUT,
    /** A malformed stream, a stream cut or ended before completion, or an error event. */
    PROTOCOL,
    /** The backend's circuit breaker was open: no request was made. */
    BREAKER_OPEN;

    /** The lower-case name used in metrics and APIs, e.g. {@code first_token_timeout}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of an HTTP status that is not 2xx. */
    public static FailureKind ofStatus(int status) {
        if (status == 429) {
            return HTTP_429;
        }
        if (status == 529) {
            return OVERLOADED;
        }
        return status >= 500 ? HTTP_5XX : HTTP_4XX;
    }
}
