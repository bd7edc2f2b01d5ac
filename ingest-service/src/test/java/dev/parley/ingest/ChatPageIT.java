package dev.parley.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.SharedKafka;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("GET / serves the chat page")
@ExtendWith(SharedKafka.Extension.class)
class ChatPageIT {

    @Test
    @DisplayName("the page creates a session, sends turns, follows the event stream, can cancel, shows the "
            + "session view and searches; with authentication it sends a pasted key and opens streams with a token")
    void servesThePage() {
        try (Gateway gateway = Gateway.start(SharedKafka.get().ingestConfig(Map.of()))) {
            Api.Response page = gateway.api().get("/");

            assertEquals(200, page.status());
            for (String part : new String[] {"/v1/sessions", "new EventSource", "'reset'", "'done'", "'failed'",
                    "'cancelled'", "/cancel", "id=\"session\"", "'/v1/sessions/' + sessionId",
                    "'/search?q=' + encodeURIComponent(", "sessionStorage", "'Bearer '", "/v1/stream-tokens",
                    "'access_token'"}) {
                assertTrue(page.body().contains(part), part);
            }
        }
    }
}
