package dev.parley.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Failures seen by the load: every one counted, the first few distinct messages kept to show. Thread-safe. */
final class Errors {

    private static final int KEPT = 10;

    private final AtomicLong count = new AtomicLong();
    private final Map<String, Long> messages = new LinkedHashMap<>();

    void add(String message) {
        count.incrementAndGet();
        synchronized (messages) {
            if (messages.containsKey(message) || messages.size() < KEPT) {
                messages.merge(message, 1L, Long::sum);
            }
        }
    }

    void add(Throwable error) {
        add(describe(error));
    }

    long count() {
        return count.get();
    }

    /** The kept messages with how often each occurred, e.g. {@code "3× HTTP 503 ..."}. */
    List<String> samples() {
        synchronized (messages) {
            List<String> samples = new ArrayList<>();
            messages.forEach((message, times) -> samples.add(times + "× " + message));
            return samples;
        }
    }

    static String describe(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && (cause.getMessage() == null || cause instanceof java.util.concurrent.ExecutionException)) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
