package dev.parley.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The baseline: a streaming chat completion straight from the LLM simulator, read the way Parley's SSE is read. */
final class DirectStream {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI completions;

    DirectStream(HttpClient http, String simulatorBaseUrl) {
        this.http = http;
        this.completions = URI.create(simulatorBaseUrl + "/chat/completions");
    }

    /** One reply to {@code prompt}; fails on a status other than 200 or a token count other than expected. */
    TurnTiming turn(String prompt, int expectedTokens) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", "parley-simulator", "stream", true,
            "messages", List.of(Map.of("role", "user", "content", prompt))));
        TurnTiming.Clock clock = new TurnTiming.Clock();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(completions)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("simulator answered HTTP " + response.statusCode());
            }
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) {
                    clock.token();
                }
                if (line.equals("data: [DONE]")) {
                    break;
                }
            }
        }
        return clock.end(expectedTokens);
    }
}
