package dev.parley.worker.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.BackendKind;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class CatalogueProbeTest {

    @Test
    @DisplayName("the probe names the backend nobody listens for and passes the one that accepts connections")
    void namesUnreachable(Vertx vertx, VertxTestContext test) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        NetServer server = vertx.createNetServer().connectHandler(socket -> socket.close());
        server.listen(0, "127.0.0.1").onComplete(test.succeeding(listening -> {
            Map<String, BackendConfig> backends = new LinkedHashMap<>();
            backends.put("up", BackendConfig.of("up", BackendKind.OPENAI,
                "http://127.0.0.1:" + listening.actualPort() + "/v1", "m"));
            backends.put("down", BackendConfig.of("down", BackendKind.OLLAMA, "http://127.0.0.1:" + closedPort, "m"));
            Catalogue catalogue = new Catalogue(backends,
                Map.of("default", Route.of("default", List.of("up", "down"))), RouterSettings.defaultOnly("default"));
            CatalogueProbe.unreachable(vertx, catalogue).onComplete(test.succeeding(down -> test.verify(() -> {
                assertEquals(List.of("down"), down);
                test.completeNow();
            })));
        }));
    }
}
