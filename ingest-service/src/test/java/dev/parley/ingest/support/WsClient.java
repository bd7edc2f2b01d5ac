package dev.parley.ingest.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A WebSocket client (java.net.http) that records every JSON frame it receives. */
public final class WsClient implements AutoCloseable {

    private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private WebSocket socket;

    private WsClient() {
    }

    public static WsClient connect(HttpClient http, URI uri) {
        WsClient client = new WsClient();
        try {
            client.socket = http.newWebSocketBuilder().buildAsync(uri, client.listener()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + uri, e);
        }
        return client;
    }

    public void send(JsonObject frame) {
        socket.sendText(frame.encode(), true).join();
    }

    public List<JsonObject> frames() {
        return List.copyOf(frames);
    }

    public List<JsonObject> frames(String type) {
        return frames.stream().filter(frame -> type.equals(frame.getString("type"))).toList();
    }

    public boolean closed() {
        return closed;
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(new JsonObject(partial.toString()));
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed = true;
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed = true;
            }
        };
    }

    @Override
    public void close() {
        if (socket != null && !closed) {
            socket.abort();
        }
    }
}
