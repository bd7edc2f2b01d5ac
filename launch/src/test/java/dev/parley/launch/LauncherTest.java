package dev.parley.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LauncherTest {

    @Test
    @DisplayName("a failed start is one line: the message, or that a port is in use for a bind error anywhere in the causes")
    void oneLineReason() {
        assertEquals("invalid configuration: PARLEY_HTTP_PORT=x",
            Launcher.reason(new IllegalArgumentException("invalid configuration: PARLEY_HTTP_PORT=x")));
        String bind = Launcher.reason(new IllegalStateException("listen failed",
            new BindException("Address already in use")));
        assertTrue(bind.startsWith("a port is already in use"), bind);
        assertEquals("a b", Launcher.reason(new IllegalStateException("a\nb")));
    }

    @Test
    @DisplayName("a service's own resource is closed after the service, or at once when the start fails")
    void owning() throws Exception {
        List<String> closed = new ArrayList<>();
        AutoCloseable running = Launcher.owning(() -> closed.add("vertx"), () -> () -> closed.add("service"));
        running.close();
        assertEquals(List.of("service", "vertx"), closed);

        closed.clear();
        IllegalStateException failure = new IllegalStateException("no");
        assertSame(failure, assertThrows(IllegalStateException.class,
            () -> Launcher.owning(() -> closed.add("vertx"), () -> {
                throw failure;
            })));
        assertEquals(List.of("vertx"), closed);
    }
}
