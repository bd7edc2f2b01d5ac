package dev.parley.standalone.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible {@code POST /v1/embeddings} that answers a bag-of-words hash vector: lets postprocess index and
 * search in tests without a model on the CPU (texts that share words land close together).
 */
public final class HashEmbeddings implements AutoCloseable {

    public static final String MODEL = "hash-bag-of-words";
    private static final int DIMENSIONS = 64;

    private final HttpServer server;

    private HashEmbeddings(HttpServer server) {
        this.server = server;
    }

    /** Listens on a free port of the loopback interface. */
    public static HashEmbeddings start(Vertx vertx) {
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
                String input = body.toJsonObject().getString("input", "");
                JsonObject answer = new JsonObject().put("model", MODEL).put("data", new JsonArray()
                    .add(new JsonObject().put("index", 0).put("embedding", vector(input))));
                request.response().putHeader("Content-Type", "application/json").end(answer.encode());
            })).listen(0, "localhost").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new HashEmbeddings(server);
        } catch (Exception e) {
            throw new IllegalStateException("the embeddings stub did not start", e);
        }
    }

    /** The base URL for {@code PARLEY_EMBEDDINGS_URL}. */
    public String baseUrl() {
        return "http://localhost:" + server.actualPort() + "/v1";
    }

    static JsonArray vector(String text) {
        float[] vector = new float[DIMENSIONS];
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                vector[Math.floorMod(word.hashCode(), DIMENSIONS)] += 1;
            }
        }
        vector[0] += 0.01f; // never the zero vector
        JsonArray array = new JsonArray();
        for (float value : vector) {
            array.add(value);
        }
        return array;
    }

    @Override
    public void close() {
        server.close();
    }
}
