package dev.parley.worker.backend;

import java.util.Locale;

/** Why a backend call failed, as circuit breakers, fallbacks and metrics count it. */
public enum FailureKind {
    CONNECT, HTTP_5XX, HTTP_429, OVERLOADED, HTTP_4XX, FIRST_TOKEN_TIMEOUT, IDLE_STALL, TOTAL_TIMEOUT, PROTOCOL,
    /** The backend's circuit breaker was open: the call was not made. */
    BREAKER_OPEN;

    /** The name in metrics, logs and the ledger, e.g. {@code http_5xx}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
