package dev.parley.worker.backend;

/**
 * One server-sent event.
 *
 * @param event the {@code event:} name, {@code "message"} when the server gave none
 * @param data  the {@code data:} lines joined with {@code \n}
 * @param id    the {@code id:} field of this event, or null
 */
public record SseEvent(String event, String data, String id) {
}
