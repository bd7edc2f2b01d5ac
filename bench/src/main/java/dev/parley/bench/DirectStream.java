package dev.parley.bench;

import dev.parley.schemas.openai.OpenAiWire;
import dev.parley.schemas.openai.OpenAiWire.ChatRequest;
import dev.parley.schemas.openai.OpenAiWire.Chunk;
import dev.parley.schemas.openai.OpenAiWire.ChunkChoice;
import dev.parley.schemas.openai.OpenAiWire.Message;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The baseline: a streaming chat completion straight from the LLM simulator, read line by line as Parley's SSE is
 * read; the request and the chunks in the OpenAI wire format's one home, {@link OpenAiWire}.
 */
final class DirectStream {

    private static final String DATA = "data: ";

    private final HttpClient http;
    private final URI completions;

    DirectStream(HttpClient http, String simulatorBaseUrl) {
        this.http = http;
        this.completions = URI.create(simulatorBaseUrl + "/chat/completions");
    }

    /** One reply to {@code prompt}; fails on a status other than 200 or a token count other than expected. */
    TurnTiming turn(String prompt, int expectedTokens) throws Exception {
        String body = OpenAiWire.encode(new ChatRequest("parley-simulator", List.of(Message.of("user", prompt)), true,
            null, null, null, null, null, null, null));
        TurnTiming.Clock clock = new TurnTiming.Clock();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(completions)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("simulator answered HTTP " + response.statusCode());
            }
            for (String line; (line = lines.readLine()) != null; ) {
                if (!line.startsWith(DATA)) {
                    continue;
                }
                String data = line.substring(DATA.length());
                if (data.equals(OpenAiWire.DONE)) {
                    break;
                }
                ChunkChoice choice = OpenAiWire.decode(data, Chunk.class).choice();
                if (choice != null && choice.delta() != null && choice.delta().content() != null
                        && !choice.delta().content().isEmpty()) {
                    clock.token();
                }
            }
        }
        return clock.end(expectedTokens);
    }
}
