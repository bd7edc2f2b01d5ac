package dev.parley.ingest.postprocess;

import dev.parley.ingest.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * postprocess-streams' interactive-query API over HTTP: a session's snapshot, its semantic search and a principal's
 * usage and sessions. Answers every reply that carries a JSON object; fails with 503 postprocess_unavailable when
 * postprocess cannot be reached, times out or has a 5xx, and with 502 postprocess_bad_response when its body is not
 * a JSON object.
 */
public final class PostprocessClient implements AutoCloseable {

    public static final String UNAVAILABLE = "postprocess_unavailable";
    public static final String BAD_RESPONSE = "postprocess_bad_response";
    /** postprocess' code for "no snapshot of this session yet". */
    public static final String SESSION_NOT_FOUND = "session_not_found";

    private static final Logger log = LoggerFactory.getLogger(PostprocessClient.class);
    private static final int DEFAULT_RETRY_AFTER_SECONDS = 1;

    /** A reply of postprocess: its status, its body as received, and that body parsed. */
    public record Reply(int status, Buffer body, JsonObject json) {

        /** postprocess has no snapshot of the session yet (it has not read the session's events). */
        public boolean sessionNotFound() {
            return status == 404 && SESSION_NOT_FOUND.equals(errorCode());
        }

        /** The code of an {@code {"error": {"code", "message"}}} body, or null. */
        public String errorCode() {
            return errorField(json, "code");
        }

        /** The message of an {@code {"error": {"code", "message"}}} body, or null. */
        public String errorMessage() {
            return errorField(json, "message");
        }
    }

    private final WebClient client;
    private final String baseUrl;
    private final long timeoutMillis;

    public PostprocessClient(Vertx vertx, String baseUrl, Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setUserAgent("parley-ingest")
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis)));
        this.baseUrl = baseUrl;
    }

    /** {@code GET {base}/sessions/{sid}}: the session's snapshot (200) or 404 session_not_found. */
    public Future<Reply> session(String sessionId) {
        String url = baseUrl + "/sessions/" + sessionId;
        return send(url, client.getAbs(url));
    }

    /** {@code GET {base}/sessions/{sid}/search?q=&k=}: the k turns nearest in meaning to the query. */
    public Future<Reply> search(String sessionId, String query, int k) {
        // addQueryParam percent-encodes: spaces, '&', '#' and non-ASCII arrive as sent
        String url = baseUrl + "/sessions/" + sessionId + "/search";
        return send(url, client.getAbs(url).addQueryParam("q", query).addQueryParam("k", Integer.toString(k)));
    }

    /** {@code GET {base}/usage/{principal}}: the principal's usage totals (zeros for one never seen). */
    public Future<Reply> usage(String principal) {
        String url = baseUrl + "/usage/" + segment(principal);
        return send(url, client.getAbs(url));
    }

    /** {@code GET {base}/principals/{principal}/sessions?limit=}: the principal's newest sessions, newest first. */
    public Future<Reply> sessions(String principal, int limit) {
        String url = baseUrl + "/principals/" + segment(principal) + "/sessions";
        return send(url, client.getAbs(url).addQueryParam("limit", Integer.toString(limit)));
    }

    /** A principal is whatever the key or token says (a JWT sub may hold '/' or '|'): one path segment. */
    private static String segment(String principal) {
        return URLEncoder.encode(principal, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The error for a reply that the caller has no use for: postprocess and the gateway disagree. */
    public ApiException unexpected(Reply reply, String what) {
        String detail = reply.errorCode() == null ? "" : " " + reply.errorCode()
                + (reply.errorMessage() == null ? "" : " (" + reply.errorMessage() + ")");
        String message = "postprocess at " + baseUrl + " answered the " + what + " with HTTP " + reply.status()
                + detail;
        log.warn("{}; is {} the postprocess query API?", message, baseUrl);
        return badResponse(message);
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "PostprocessClient[" + baseUrl + "]";
    }

    private Future<Reply> send(String url, HttpRequest<Buffer> request) {
        String target = request.method() + " " + url;
        // timeout(): no connection or no byte for that long; Future.timeout: no whole answer (one that trickles)
        return request.timeout(timeoutMillis).send()
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .recover(error -> Future.failedFuture(unreachable(target, error)))
                .map(response -> reply(target, response));
    }

    /** The reply, or the ApiException for a 5xx or a body that is not a JSON object. */
    private Reply reply(String target, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        Buffer body = response.body() == null ? Buffer.buffer() : response.body();
        JsonObject json = jsonObject(body);
        if (status >= 500) {
            String reason = json == null || errorMessage(json) == null ? "no reason given" : errorMessage(json);
            log.warn("postprocess answered {} with HTTP {}: {}", target, status, reason);
            throw ApiException.unavailable(UNAVAILABLE, "postprocess at " + baseUrl + " is not serving (HTTP "
                    + status + ": " + reason + ")", retryAfter(response.getHeader("Retry-After")));
        }
        if (json == null) {
            String type = response.getHeader("Content-Type") == null ? "no Content-Type"
                    : response.getHeader("Content-Type");
            log.warn("postprocess answered {} with HTTP {} and a body that is not a JSON object ({})", target,
                    status, type);
            throw badResponse("postprocess at " + baseUrl + " answered with HTTP " + status
                    + " and a body that is not a JSON object (" + type + ")");
        }
        return new Reply(status, body, json);
    }

    private ApiException unreachable(String target, Throwable error) {
        String problem = error instanceof TimeoutException
                ? "did not answer within " + timeoutMillis + " ms"
                : "cannot be reached (" + (error.getMessage() == null ? error.toString() : error.getMessage()) + ")";
        log.warn("{}: postprocess {}", target, problem);
        return ApiException.unavailable(UNAVAILABLE, "postprocess at " + baseUrl + " " + problem,
                DEFAULT_RETRY_AFTER_SECONDS);
    }

    private static ApiException badResponse(String message) {
        return new ApiException(502, BAD_RESPONSE, message);
    }

    private static String errorMessage(JsonObject json) {
        return errorField(json, "message");
    }

    private static String errorField(JsonObject json, String field) {
        return json.getValue("error") instanceof JsonObject error && error.getValue(field) instanceof String value
                ? value : null;
    }

    private static JsonObject jsonObject(Buffer body) {
        try {
            return Json.decodeValue(body) instanceof JsonObject object ? object : null;
        } catch (DecodeException e) {
            return null;
        }
    }

    /** postprocess' own Retry-After when it gives whole seconds (while rebalancing), else one second. */
    private static int retryAfter(String header) {
        if (header != null) {
            try {
                int seconds = Integer.parseInt(header.trim());
                if (seconds >= 1) {
                    return Math.min(seconds, 60);
                }
            } catch (NumberFormatException e) {
                // an HTTP date or garbage: the default below
            }
        }
        return DEFAULT_RETRY_AFTER_SECONDS;
    }
}
