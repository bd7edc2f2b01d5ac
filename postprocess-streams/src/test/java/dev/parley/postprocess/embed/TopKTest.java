package dev.parley.postprocess.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.postprocess.embed.TopK.Scored;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    @DisplayName("keeps the k highest scores, best first")
    void keepsBestK() {
        TopK<String> top = new TopK<>(3);
        top.offer("c", 0.3f);
        top.offer("a", 0.9f);
        top.offer("e", -0.5f);
        top.offer("b", 0.5f);
        top.offer("d", 0.1f);
        assertEquals(List.of(new Scored<>("a", 0.9f), new Scored<>("b", 0.5f), new Scored<>("c", 0.3f)),
                top.results());
    }

    @Test
    @DisplayName("holds fewer than k when fewer were offered, and nothing when none were")
    void fewerThanK() {
        TopK<String> top = new TopK<>(5);
        assertEquals(List.of(), top.results());
        top.offer("x", 0.2f);
        top.offer("y", 0.4f);
        assertEquals(List.of(new Scored<>("y", 0.4f), new Scored<>("x", 0.2f)), top.results());
    }

    @Test
    @DisplayName("equal scores rank by offer order, and a late tie does not displace an earlier one")
    void tiesByInsertionOrder() {
        TopK<String> top = new TopK<>(2);
        top.offer("first", 0.5f);
        top.offer("second", 0.5f);
        top.offer("third", 0.5f);
        assertEquals(List.of(new Scored<>("first", 0.5f), new Scored<>("second", 0.5f)), top.results());

        TopK<String> mixed = new TopK<>(3);
        mixed.offer("low", 0.1f);
        mixed.offer("tieA", 0.7f);
        mixed.offer("high", 0.9f);
        mixed.offer("tieB", 0.7f);
        assertEquals(List.of("high", "tieA", "tieB"), items(mixed.results()));
    }

    @Test
    @DisplayName("agrees with sorting everything, on random scores with many ties")
    void matchesFullSort() {
        Random random = new Random(42);
        TopK<Integer> top = new TopK<>(10);
        List<Scored<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            float score = random.nextInt(50) / 10f;
            top.offer(i, score);
            all.add(new Scored<>(i, score));
        }
        // a stable sort keeps offer order among ties, which is the promised tie-break
        all.sort(Comparator.comparingDouble((Scored<Integer> s) -> s.score()).reversed());
        assertEquals(all.subList(0, 10), top.results());
    }

    @Test
    @DisplayName("results can be read repeatedly and are an unmodifiable snapshot")
    void resultsAreSnapshots() {
        TopK<String> top = new TopK<>(2);
        top.offer("a", 1f);
        List<Scored<String>> before = top.results();
        top.offer("b", 2f);
        assertEquals(List.of("a"), items(before));
        assertEquals(List.of("b", "a"), items(top.results()));
        assertNotSame(top.results(), top.results());
        assertThrows(UnsupportedOperationException.class, () -> before.add(new Scored<>("z", 0f)));
    }

    @Test
    @DisplayName("k below 1, a NaN score and a null item are refused")
    void rejectsBadInput() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> new TopK<String>(0));
        assertTrue(zero.getMessage().contains("got 0"), zero.getMessage());
        TopK<String> top = new TopK<>(1);
        assertThrows(IllegalArgumentException.class, () -> top.offer("nan", Float.NaN));
        assertThrows(NullPointerException.class, () -> top.offer(null, 1f));
        assertEquals(List.of(), top.results());
    }

    private static <T> List<T> items(List<Scored<T>> scored) {
        return scored.stream().map(Scored::item).toList();
    }
}
