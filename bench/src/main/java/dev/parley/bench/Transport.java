package dev.parley.bench;

import java.util.Locale;

/** How a session's client reads its replies: SSE (a POST, then a stream per turn) or one WebSocket per session. */
enum Transport {
    SSE, WS;

    String label() {
        return this == SSE ? "SSE" : "WebSocket";
    }

    String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
