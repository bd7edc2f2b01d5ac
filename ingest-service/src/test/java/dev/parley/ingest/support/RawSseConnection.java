package dev.parley.ingest.support;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An SSE request on a bare socket with a tiny receive buffer that reads nothing until told to:
 * a client that has stopped reading.
 */
public final class RawSseConnection implements AutoCloseable {

    private final Socket socket;

    private RawSseConnection(Socket socket) {
        this.socket = socket;
    }

    public static RawSseConnection open(int port, String pathAndQuery) {
        try {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4_096);
            socket.connect(new InetSocketAddress("localhost", port), 5_000);
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new RawSseConnection(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads everything until the server closes the connection and returns the events in the body. */
    public List<SseClient.Event> readUntilClosed(Duration timeout) {
        try {
            byte[] response = readAll(timeout);
            String text = new String(response, StandardCharsets.UTF_8);
            int bodyStart = text.indexOf("\r\n\r\n") + 4;
            return events(dechunk(response, bodyStart));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] readAll(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        socket.setSoTimeout(500);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[65_536];
        InputStream in = socket.getInputStream();
        while (System.nanoTime() < deadline) {
            try {
                int read = in.read(buffer);
                if (read < 0) {
                    return out.toByteArray();
                }
                out.write(buffer, 0, read);
            } catch (SocketTimeoutException e) {
                // nothing yet: look at the deadline again
            }
        }
        throw new AssertionError("the server did not close the connection within " + timeout + " ("
                + out.size() + " bytes read)");
    }

    private static String dechunk(byte[] response, int position) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = position;
        while (at < response.length) {
            int lineEnd = indexOfCrLf(response, at);
            int size = Integer.parseInt(new String(response, at, lineEnd - at, StandardCharsets.US_ASCII).trim(), 16);
            if (size == 0) {
                break;
            }
            body.write(response, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static int indexOfCrLf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length - 1; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("truncated chunked body");
    }

    private static List<SseClient.Event> events(String body) {
        List<SseClient.Event> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String id = null;
            String type = "message";
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (data != null) {
                events.add(new SseClient.Event(id, type, new JsonObject(data)));
            }
        }
        return events;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed by the server
        }
    }
}
