package dev.parley.worker.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecentRoutesTest {

    @Test
    @DisplayName("a session keeps its last three routes, most recent first")
    void lastThree() {
        RecentRoutes recent = new RecentRoutes();
        assertEquals(List.of(), recent.of("s1"));
        recent.record("s1", "a");
        recent.record("s1", "b");
        recent.record("s1", "c");
        recent.record("s1", "d");
        assertEquals(List.of("d", "c", "b"), recent.of("s1"));
    }

    @Test
    @DisplayName("beyond its size the least recently used session is forgotten")
    void boundedLru() {
        RecentRoutes recent = new RecentRoutes(2);
        recent.record("s1", "a");
        recent.record("s2", "b");
        recent.of("s1");
        recent.record("s3", "c");
        assertEquals(2, recent.sessions());
        assertEquals(List.of("a"), recent.of("s1"));
        assertEquals(List.of(), recent.of("s2"));
        assertEquals(List.of("c"), recent.of("s3"));
    }
}
