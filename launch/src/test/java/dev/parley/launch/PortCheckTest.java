package dev.parley.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PortCheckTest {

    @Test
    @DisplayName("a port something listens on is named with its setting; free, 0 and -1 pass")
    void portInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            PortCheck.PortInUseException e = assertThrows(PortCheck.PortInUseException.class,
                () -> PortCheck.requireFree("127.0.0.1", List.of(PortCheck.port("PARLEY_X_PORT", 0),
                    PortCheck.port("PARLEY_Y_PORT", -1), PortCheck.port("PARLEY_HTTP_PORT", port))));
            assertEquals("port " + port + " (PARLEY_HTTP_PORT) is already in use", e.getMessage());
            // a server on loopback also blocks a bind on every interface
            assertThrows(PortCheck.PortInUseException.class,
                () -> PortCheck.requireFree("0.0.0.0", List.of(PortCheck.port("PARLEY_HTTP_PORT", port))));
        }
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        PortCheck.requireFree("127.0.0.1", List.of(PortCheck.port("PARLEY_HTTP_PORT", free)));
    }
}
