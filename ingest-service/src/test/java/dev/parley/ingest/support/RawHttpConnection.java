package dev.parley.ingest.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 on a bare socket, for the bytes {@code java.net.http} refuses to send: any request line, header or framing.
 * Reads one response per request (skipping interim 1xx answers other than 101), keeps the connection for the next
 * request unless the answer or the request ends it, and reads no body of an event stream or a 101.
 */
public final class RawHttpConnection implements AutoCloseable {

    /** A response: status, headers (names lower-cased, the last value wins) and body (de-chunked). */
    public record Response(int status, Map<String, String> headers, byte[] body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public boolean streaming() {
            return status == 101 || (status / 100 == 2 && header("content-type") != null
                    && header("content-type").startsWith("text/event-stream"));
        }
    }

    /** The server closed the connection, or stayed silent, before a whole response arrived. */
    public static final class NoAnswerException extends IOException {
        /** True when not one byte of a response arrived: a keep-alive connection the server had already closed. */
        public final boolean nothingRead;

        NoAnswerException(String message, boolean nothingRead) {
            super(message);
            this.nothingRead = nothingRead;
        }
    }

    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int served;

    private RawHttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream(), 65_536);
        this.out = socket.getOutputStream();
    }

    public static RawHttpConnection open(int port, Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("localhost", port), 5_000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        return new RawHttpConnection(socket);
    }

    /** How many responses this connection has read: 0 for a fresh one. */
    public int served() {
        return served;
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next final response; {@code head}: it has no body whatever its headers say. */
    public Response read(boolean head) throws IOException {
        while (true) {
            Response response = readOne(head);
            if (response.status() >= 200 || response.status() == 101) {
                served++;
                return response;
            }
        }
    }

    /** Reads up to {@code max} bytes that arrive within the read timeout (e.g. a WebSocket frame); empty at the end. */
    public byte[] readSome(int max) throws IOException {
        byte[] buffer = new byte[max];
        try {
            int n = in.read(buffer);
            if (n < 0) {
                return new byte[0];
            }
            byte[] result = new byte[n];
            System.arraycopy(buffer, 0, result, 0, n);
            return result;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private Response readOne(boolean head) throws IOException {
        String statusLine;
        try {
            statusLine = line(true);
        } catch (EOFException e) {
            throw new NoAnswerException("connection closed before a status line", true);
        } catch (SocketTimeoutException e) {
            throw new NoAnswerException("no status line within " + socket.getSoTimeout() + " ms", false);
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].contains("/") || !parts[1].matches("\\d{3}")) {
            throw new IOException("not a status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        try {
            for (String header = line(false); !header.isEmpty(); header = line(false)) {
                int colon = header.indexOf(':');
                if (colon > 0) {
                    headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            header.substring(colon + 1).trim());
                }
            }
            Response bare = new Response(status, headers, new byte[0]);
            if (head || status < 200 || status == 204 || status == 304 || bare.streaming()) {
                return bare;
            }
            return new Response(status, headers, body(headers));
        } catch (EOFException | SocketTimeoutException e) {
            throw new NoAnswerException("response to status " + status + " cut short: " + e, false);
        }
    }

    private byte[] body(Map<String, String> headers) throws IOException {
        String transferEncoding = headers.get("transfer-encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line(false);
                int semicolon = size.indexOf(';');
                int length = Integer.parseInt((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                if (length == 0) {
                    while (!line(false).isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                body.write(exactly(length));
                line(false);
            }
        }
        String contentLength = headers.get("content-length");
        if (contentLength != null) {
            return exactly(Integer.parseInt(contentLength.trim()));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(); // delimited by the end of the connection
        byte[] buffer = new byte[8_192];
        for (int n = in.read(buffer); n >= 0 && body.size() < MAX_BODY; n = in.read(buffer)) {
            body.write(buffer, 0, n);
        }
        return body.toByteArray();
    }

    private byte[] exactly(int length) throws IOException {
        if (length > MAX_BODY) {
            throw new IOException("a body of " + length + " bytes");
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("body ended after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    /** A CRLF- (or LF-) terminated line as ISO-8859-1; EOF when the stream ends first. */
    private String line(boolean first) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(first && line.length() == 0 ? "closed" : "closed mid-line: " + line);
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
