package dev.parley.postprocess.embed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * Keeps the {@code k} best-scored items offered to it, using a bounded min-heap; not thread-safe.
 *
 * <p>Higher scores are better. Among equal scores the item offered first ranks higher, so results do not depend
 * on heap internals.
 */
public final class TopK<T> {

    /** One kept item with its score. */
    public record Scored<T>(T item, float score) {
    }

    private record Entry<T>(T item, float score, long order) {
    }

    // The head is the entry that would be dropped first: lowest score, and among equal scores the latest offered.
    private static final Comparator<Entry<?>> WORST_FIRST =
            Comparator.<Entry<?>>comparingDouble(Entry::score)
                    .thenComparing(Comparator.<Entry<?>>comparingLong(Entry::order).reversed());

    private final int k;
    private final PriorityQueue<Entry<T>> heap;
    private long offered;

    /** @throws IllegalArgumentException when {@code k} is below 1 */
    public TopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        this.k = k;
        // k may be large (e.g. "all"), so let the heap grow rather than allocate k slots up front
        this.heap = new PriorityQueue<>(Math.min(k, 64), WORST_FIRST);
    }

    /**
     * Considers {@code item}; it is kept if fewer than {@code k} items are held or it beats the worst held one.
     *
     * @throws IllegalArgumentException when {@code score} is NaN, which would rank nowhere
     */
    public void offer(T item, float score) {
        Objects.requireNonNull(item, "item");
        if (Float.isNaN(score)) {
            throw new IllegalArgumentException("score is NaN for " + item);
        }
        Entry<T> entry = new Entry<>(item, score, offered++);
        if (heap.size() < k) {
            heap.add(entry);
        } else if (WORST_FIRST.compare(entry, heap.peek()) > 0) {
            heap.poll();
            heap.add(entry);
        }
    }

    /** The kept items, best first; a fresh list each call, and the kept set is left as it is. */
    public List<Scored<T>> results() {
        List<Entry<T>> sorted = new ArrayList<>(heap);
        sorted.sort(WORST_FIRST.reversed());
        List<Scored<T>> results = new ArrayList<>(sorted.size());
        for (Entry<T> entry : sorted) {
            results.add(new Scored<>(entry.item(), entry.score()));
        }
        return List.copyOf(results);
    }
}
