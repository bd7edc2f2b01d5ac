package dev.parley.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.SharedKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How the gateway serves the chat page; what the page does is ChatPageBrowserIT's, in a real browser. */
@DisplayName("GET / serves the chat page")
@ExtendWith(SharedKafka.Extension.class)
class ChatPageIT {

    private static final Pattern LINKED = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"");

    @Test
    @DisplayName("the page and its script and style are revalidated on every load, so an upgrade is seen at once; "
            + "every library it links is served by the gateway from a versioned path, cacheable for a year")
    void servesThePageAndItsLibraries() {
        try (Gateway gateway = Gateway.start(SharedKafka.get().ingestConfig(Map.of()))) {
            Api.Response page = gateway.api().get("/");
            assertEquals(200, page.status());
            assertEquals("no-cache", page.header("Cache-Control"));

            List<String> linked = new ArrayList<>();
            Matcher matcher = LINKED.matcher(page.body());
            while (matcher.find()) {
                linked.add(matcher.group(1));
            }
            assertTrue(linked.containsAll(List.of("/chat.js", "/chat.css")), linked.toString());
            assertEquals(3, linked.stream().filter(path -> path.startsWith("/assets/") && path.endsWith(".js")).count(),
                    "marked, DOMPurify and highlight.js: " + linked);
            for (String path : linked) {
                Api.Response file = gateway.api().get(path);
                assertEquals(200, file.status(), path);
                assertFalse(file.body().isEmpty(), path);
                String cache = file.header("Cache-Control");
                if (path.startsWith("/assets/")) {
                    assertTrue(cache.contains("immutable") && cache.contains("max-age=31536000"), path + ": " + cache);
                } else {
                    assertEquals("no-cache", cache, path);
                }
            }
            assertFalse(page.body().matches("(?s).*(src|href)=\"https?:.*"), "nothing fetched from another host");
        }
    }
}
