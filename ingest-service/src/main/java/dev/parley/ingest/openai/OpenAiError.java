package dev.parley.ingest.openai;

import dev.parley.schemas.openai.OpenAiWire;

/**
 * A request the OpenAI-compatible API refuses: the HTTP status and OpenAI's error object
 * ({@code {"error": {message, type, param, code}}}), so the SDKs raise their matching error class.
 */
public final class OpenAiError extends RuntimeException {

    static final String INVALID_REQUEST = "invalid_request_error";

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    OpenAiError(int status, String type, String param, String code, String message) {
        // an expected outcome, not a bug: no stack trace
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400 invalid_request_error naming the offending parameter (may be null). */
    static OpenAiError invalid(String param, String message) {
        return new OpenAiError(400, INVALID_REQUEST, param, null, message);
    }

    /** 400 for a parameter Parley does not support (yet). */
    static OpenAiError unsupported(String param, String message) {
        return new OpenAiError(400, INVALID_REQUEST, param, "unsupported_parameter", message);
    }

    static OpenAiError modelNotFound(String model) {
        return new OpenAiError(404, INVALID_REQUEST, "model", "model_not_found",
                "The model `" + model + "` does not exist; GET /v1/models lists the models of this Parley");
    }

    /** 429 as OpenAI sends it for a request-rate limit, which the SDKs raise as {@code RateLimitError}. */
    static OpenAiError rateLimited(String message) {
        return new OpenAiError(429, "requests", null, "rate_limit_exceeded", message);
    }

    int status() {
        return status;
    }

    OpenAiWire.Error body() {
        return OpenAiWire.Error.of(getMessage(), type, param, code);
    }
}
