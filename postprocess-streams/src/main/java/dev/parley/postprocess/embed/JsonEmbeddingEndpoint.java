package dev.parley.postprocess.embed;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** Posts {@code {"model", "input"}} to a remote embeddings endpoint and reads one vector back from the JSON answer. */
final class JsonEmbeddingEndpoint {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SNIPPET_CHARS = 300;

    private final URI url;
    private final String model;
    private final String authorization;
    private final Duration timeout;
    private final JsonPointer vectorAt;
    private final HttpClient client;
    private final AtomicInteger dimensions = new AtomicInteger(-1);

    /**
     * @param apiKey sent as {@code Authorization: Bearer}; null or blank sends no such header
     * @param vectorAt where the answer holds the vector, e.g. {@code /data/0/embedding}
     */
    JsonEmbeddingEndpoint(URI baseUrl, String path, String model, String apiKey, Duration timeout, String vectorAt) {
        this.url = resolve(baseUrl, path);
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("an embedding model name is required for " + url);
        }
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("the timeout for " + url + " must be positive, got " + timeout);
        }
        this.model = model.trim();
        this.authorization = apiKey == null || apiKey.isBlank() ? null : "Bearer " + apiKey.trim();
        this.timeout = timeout;
        this.vectorAt = JsonPointer.compile(vectorAt);
        this.client = HttpClient.newBuilder()
                // one small request per call gains nothing from HTTP/2, and the h2c upgrade that the client tries on
                // plain http trips some servers
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    URI url() {
        return url;
    }

    String model() {
        return model;
    }

    int dimensions() {
        return dimensions.get();
    }

    float[] embed(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("cannot embed blank text");
        }
        HttpResponse<byte[]> response = post(requestBody(text));
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            // 408 and 429 are the 4xx answers that mean "not now" rather than "never"
            boolean retriable = status >= 500 || status == 408 || status == 429;
            throw new EmbeddingException(
                    "POST " + url + " answered " + status + ": " + snippet(response.body()), retriable);
        }
        return learnDimensions(Vectors.normalize(readVector(response.body())));
    }

    private byte[] requestBody(String text) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("input", text);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a two-string JSON object", e);
        }
    }

    private HttpResponse<byte[]> post(byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        CompletableFuture<HttpResponse<byte[]>> future =
                client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        try {
            // the request timeout only covers waiting for the headers; this bounds the body as well
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new EmbeddingException("POST " + url + " timed out after " + timeout.toMillis() + " ms", true, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new EmbeddingException("POST " + url + " was interrupted", true, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // HttpTimeoutException and connection failures are IOExceptions: all worth another try
            boolean retriable = cause instanceof IOException;
            throw new EmbeddingException("POST " + url + " failed: " + describe(cause), retriable, cause);
        }
    }

    private float[] readVector(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new EmbeddingException(
                    "POST " + url + " answered malformed JSON: " + snippet(body), false, e);
        }
        JsonNode array = root == null ? null : root.at(vectorAt);
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw badResponse("no vector at " + vectorAt, body);
        }
        float[] vector = new float[array.size()];
        boolean allZero = true;
        for (int i = 0; i < vector.length; i++) {
            JsonNode component = array.get(i);
            if (!component.isNumber() || !Float.isFinite(component.floatValue())) {
                throw badResponse("component " + i + " at " + vectorAt + " is not a finite number", body);
            }
            vector[i] = component.floatValue();
            allZero &= vector[i] == 0f;
        }
        if (allZero) {
            // an all-zero vector has no direction: it would match nothing and cannot be normalized
            throw badResponse("an all-zero vector at " + vectorAt, body);
        }
        return vector;
    }

    private float[] learnDimensions(float[] vector) {
        dimensions.compareAndSet(-1, vector.length);
        int known = dimensions.get();
        if (known != vector.length) {
            throw new EmbeddingException("POST " + url + " answered a " + vector.length
                    + "-dimensional vector after " + known + "-dimensional ones: did the model behind it change?",
                    false);
        }
        return vector;
    }

    private EmbeddingException badResponse(String what, byte[] body) {
        return new EmbeddingException("POST " + url + " answered " + what + ": " + snippet(body), false);
    }

    /** The exception's type with the first message found down its causes: HttpClient often leaves the top one empty. */
    private static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return failure.getClass().getSimpleName() + " (" + t.getMessage() + ")";
            }
        }
        return failure.getClass().getSimpleName();
    }

    private static String snippet(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        if (text.isEmpty()) {
            return "(empty body)";
        }
        return text.length() <= SNIPPET_CHARS ? text : text.substring(0, SNIPPET_CHARS) + "…";
    }

    private static URI resolve(URI baseUrl, String path) {
        if (baseUrl == null) {
            throw new IllegalArgumentException("a base URL is required for the " + path + " endpoint");
        }
        String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("base URL must be http(s)://host[:port][/prefix], got " + baseUrl);
        }
        if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("base URL must not have a query or fragment, got " + baseUrl);
        }
        String base = baseUrl.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path);
    }
}
