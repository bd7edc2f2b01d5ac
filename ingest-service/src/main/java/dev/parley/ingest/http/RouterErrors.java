package dev.parley.ingest.http;

import dev.parley.ingest.openai.OpenAiApi;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The errors no handler of the API answers: those of Vert.x's HTTP codec (400 malformed, 414 request line too long,
 * 431 headers too large), which never reach the router, and those of the router and its stock handlers (404, 405,
 * 413, 403 and 416 of the static files, 500 for an uncaught exception). Every one is a JSON error in the shape of the
 * API its path belongs to, never Vert.x's empty or plain-text body. A 401 (from authentication) carries
 * {@code WWW-Authenticate: Bearer} and, under OpenAI's paths, the code {@code invalid_api_key}; a 503 Retry-After.
 */
public final class RouterErrors {

    private static final Logger log = LoggerFactory.getLogger(RouterErrors.class);

    private RouterErrors() {
    }

    /** Answers every 4xx and 5xx the router fails a request with; {@code bodyLimit} is the 413's limit. */
    public static void mount(Router router, long bodyLimit) {
        for (int status = 400; status < 600; status++) {
            int code = status;
            router.errorHandler(code, ctx -> routerError(ctx, code, bodyLimit));
        }
    }

    /**
     * The server's {@code invalidRequestHandler}: a request the codec could not read. Its path may be a placeholder;
     * the connection is closed after the answer, as Vert.x's own handler does, since the codec's state is unknown.
     */
    public static void invalidRequest(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        HttpServerResponse response = request.response();
        String path = pathOf(request);
        if (cause instanceof TooLongHttpLineException) {
            send(response, path, 414, "uri_too_long",
                    "the request line is longer than " + ApiRouter.maxRequestLine() + " bytes");
        } else if (cause instanceof TooLongHttpHeaderException) {
            send(response, path, 431, "headers_too_large",
                    "the request headers are larger than " + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes");
        } else {
            send(response, path, 400, "bad_request", "the request is not valid HTTP"
                    + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
        request.connection().close();
    }

    private static void routerError(RoutingContext ctx, int status, long bodyLimit) {
        HttpServerRequest request = ctx.request();
        String path = pathOf(request);
        switch (status) {
            case 400 -> send(ctx.response(), path, 400, "bad_request", "the request could not be read");
            case 401 -> {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"parley\"");
                send(ctx.response(), path, 401, OpenAiApi.owns(path) ? "invalid_api_key" : "unauthorized",
                        ctx.failure() == null ? "authentication required" : ctx.failure().getMessage());
            }
            case 404 -> send(ctx.response(), path, 404, "not_found", "no such resource: " + path);
            case 405 -> send(ctx.response(), path, 405, "method_not_allowed",
                    request.method() + " is not supported on " + path);
            case 413 -> send(ctx.response(), path, 413, "turn_too_large",
                    "the request body is larger than " + bodyLimit + " bytes");
            case 503 -> {
                ctx.response().putHeader("Retry-After", "1");
                send(ctx.response(), path, 503, "not_ready",
                        ctx.failure() == null ? "not ready" : ctx.failure().getMessage());
            }
            case 500 -> {
                if (!request.isEnded()) {
                    // the body broke off or its framing is wrong (e.g. a bad chunk size): the client's fault, not ours
                    log.debug("Unreadable request body on {} {}: {}", request.method(), path, ctx.failure());
                    send(ctx.response(), path, 400, "bad_request", "the request body could not be read");
                    return;
                }
                if (ctx.failure() != null) {
                    log.error("Unhandled failure on {} {}", request.method(), path, ctx.failure());
                }
                send(ctx.response(), path, 500, "internal_error", "the gateway failed to handle this request");
            }
            default -> send(ctx.response(), path, status, codeOf(status), HttpResponseStatus.valueOf(status)
                    .reasonPhrase());
        }
    }

    /** The error in the shape of the API the path belongs to: OpenAI's under its paths, Parley's elsewhere. */
    private static void send(HttpServerResponse response, String path, int status, String code, String message) {
        if (OpenAiApi.owns(path)) {
            OpenAiApi.error(response, status, code, message);
        } else {
            JsonResponses.send(response, status, JsonResponses.errorBody(code, message));
        }
    }

    /** A status's reason phrase as an error code: 416 is {@code requested_range_not_satisfiable}. */
    static String codeOf(int status) {
        return HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }

    private static String pathOf(HttpServerRequest request) {
        try {
            String path = request.path();
            return path == null ? "/" : path;
        } catch (RuntimeException e) {
            return "/"; // a request line Vert.x cannot split into a path
        }
    }
}
