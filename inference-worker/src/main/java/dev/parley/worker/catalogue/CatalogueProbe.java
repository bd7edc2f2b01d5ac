package dev.parley.worker.catalogue;

import dev.parley.worker.backend.BackendConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries a TCP connection to each backend at start and warns loudly about the unreachable ones. It never fails the
 * start: a backend may come up later, and its circuit breaker handles it meanwhile.
 */
public final class CatalogueProbe {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogueProbe.class);
    /** Short: a reachable backend answers a connect in milliseconds, and the probe only informs. */
    public static final int CONNECT_TIMEOUT_MS = 2_000;

    private CatalogueProbe() {
    }

    /** Probes every backend in the background, logging a WARN per unreachable one. */
    public static void probe(Vertx vertx, Catalogue catalogue) {
        unreachable(vertx, catalogue);
    }

    /** The names of the backends that did not accept a connection, in the catalogue's order; never fails. */
    public static Future<List<String>> unreachable(Vertx vertx, Catalogue catalogue) {
        NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS));
        List<Future<String>> probes = new ArrayList<>();
        for (BackendConfig backend : catalogue.backends().values()) {
            probes.add(probe(client, backend));
        }
        return Future.join(probes).transform(done -> {
            client.close();
            List<String> down = probes.stream().map(Future::result).filter(Objects::nonNull).toList();
            if (down.isEmpty()) {
                LOG.info("All {} backends accept connections", probes.size());
            }
            return Future.succeededFuture(down);
        });
    }

    /** The backend's name when it is unreachable, else null; always succeeds. */
    private static Future<String> probe(NetClient client, BackendConfig backend) {
        URI uri = URI.create(backend.baseUrl());
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String host = host(uri);
        return client.connect(port, host).compose(
            socket -> socket.close().transform(closed -> Future.<String>succeededFuture(null)),
            failure -> {
                LOG.warn("BACKEND UNREACHABLE: '{}' ({} at {}:{}) did not accept a TCP connection within {} ms: {}. "
                    + "Turns routed to it fail over to the next backend of their route until it answers.",
                    backend.name(), backend.baseUrl(), host, port, CONNECT_TIMEOUT_MS, failure.toString());
                return Future.succeededFuture(backend.name());
            });
    }

    /** The host, also for names with an underscore, for which {@link URI#getHost()} is null. */
    private static String host(URI uri) {
        if (uri.getHost() != null) {
            String host = uri.getHost();
            return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        }
        String authority = uri.getRawAuthority();
        authority = authority.substring(authority.indexOf('@') + 1);
        int colon = authority.lastIndexOf(':');
        return colon > 0 ? authority.substring(0, colon) : authority;
    }
}
