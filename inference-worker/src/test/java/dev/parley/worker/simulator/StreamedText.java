package dev.parley.worker.simulator;

import dev.parley.worker.simulator.SimWire.Sse;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A streamed reply read off a raw socket to the very end (the connection closed), so a cut stream can be read as
 * well as a whole one: the text tokens reassembled from the protocol's events, and whether it ended properly.
 *
 * @param tokens           the reply's text pieces, one per content event
 * @param protocolEnded    the protocol's end was sent: OpenAI {@code [DONE]}, Ollama {@code done:true}, Anthropic
 *                         {@code message_stop}
 * @param httpEnded        the chunked body ended with its terminator (not a connection closed mid-response)
 * @param completionTokens the usage the end reported, or -1 without an end
 * @param body             the de-chunked body, for messages
 */
record StreamedText(List<String> tokens, boolean protocolEnded, boolean httpEnded, int completionTokens,
                    String body) {

    String text() {
        return String.join("", tokens);
    }

    /** Sends a streaming request with {@code Connection: close} and reads the response until the server closes. */
    static StreamedText request(int port, Protocol protocol, JsonObject body) throws IOException {
        String[] headers = protocol == Protocol.ANTHROPIC
            ? new String[] {"anthropic-version", "2023-06-01", "Connection", "close"}
            : new String[] {"Connection", "close"};
        try (Socket socket = new Socket("localhost", port)) {
            SimWire.writeRequest(socket, path(protocol), body, headers);
            return read(protocol, socket.getInputStream().readAllBytes());
        }
    }

    static String path(Protocol protocol) {
        return switch (protocol) {
            case OPENAI -> "/v1/chat/completions";
            case OLLAMA -> "/api/chat";
            case ANTHROPIC -> "/v1/messages";
        };
    }

    private static StreamedText read(Protocol protocol, byte[] raw) {
        String head = new String(raw, 0, Math.min(raw.length, 16), StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.1 200")) {
            throw new AssertionError("not a 200: " + new String(raw, StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean httpEnded = dechunk(raw, body);
        String text = body.toString(StandardCharsets.UTF_8);
        List<String> tokens = new ArrayList<>();
        boolean ended = false;
        int usage = -1;
        switch (protocol) {
            case OPENAI -> {
                for (Sse event : SimWire.sse(text)) {
                    if (event.data().equals("[DONE]")) {
                        ended = true;
                        continue;
                    }
                    JsonObject chunk = event.json();
                    if (chunk.getJsonObject("usage") != null) {
                        usage = chunk.getJsonObject("usage").getInteger("completion_tokens");
                    }
                    if (chunk.getJsonArray("choices") != null && !chunk.getJsonArray("choices").isEmpty()) {
                        String content = chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
                            .getString("content");
                        if (content != null && !content.isEmpty()) {
                            // the first chunk's delta is the role, with empty content
                            tokens.add(content);
                        }
                    }
                }
            }
            case OLLAMA -> {
                for (JsonObject line : SimWire.ndjson(text)) {
                    if (Boolean.TRUE.equals(line.getBoolean("done"))) {
                        ended = true;
                        usage = line.getInteger("eval_count");
                    } else if (line.getJsonObject("message") != null) {
                        tokens.add(line.getJsonObject("message").getString("content"));
                    }
                }
            }
            case ANTHROPIC -> {
                for (Sse event : SimWire.sse(text)) {
                    JsonObject data = event.json();
                    switch (event.event()) {
                        case "content_block_delta" -> {
                            if ("text_delta".equals(data.getJsonObject("delta").getString("type"))) {
                                tokens.add(data.getJsonObject("delta").getString("text"));
                            }
                        }
                        case "message_delta" -> usage = data.getJsonObject("usage").getInteger("output_tokens");
                        case "message_stop" -> ended = true;
                        default -> {
                        }
                    }
                }
            }
        }
        return new StreamedText(List.copyOf(tokens), ended, httpEnded, usage, text);
    }

    /** Writes the chunks' bytes to {@code out}; true when the terminating empty chunk came. */
    private static boolean dechunk(byte[] raw, ByteArrayOutputStream out) {
        int i = indexOf(raw, "\r\n\r\n", 0) + 4;
        while (i < raw.length) {
            int eol = indexOf(raw, "\r\n", i);
            if (eol < 0) {
                return false;
            }
            int size = Integer.parseInt(new String(raw, i, eol - i, StandardCharsets.US_ASCII).trim(), 16);
            if (size == 0) {
                return true;
            }
            int start = eol + 2;
            int end = Math.min(raw.length, start + size);
            out.write(raw, start, end - start);
            i = end + 2;
        }
        return false;
    }

    private static int indexOf(byte[] bytes, String ascii, int from) {
        byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = from; i <= bytes.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
