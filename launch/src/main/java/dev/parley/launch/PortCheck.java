package dev.parley.launch;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * Checks, before a service starts anything, that the ports it is about to listen on are free, so a second instance
 * fails with one line naming the port and its setting rather than a bind error deep inside a server's start.
 */
public final class PortCheck {

    /** A port a process listens on and the setting that chose it; 0 (a free one) and negative (off) are skipped. */
    public record Port(String setting, int port) {
        public Port {
            Objects.requireNonNull(setting, "setting");
        }
    }

    private PortCheck() {
    }

    public static Port port(String setting, int port) {
        return new Port(setting, port);
    }

    /**
     * Throws naming the first port of {@code ports} something else already listens on.
     *
     * @throws PortInUseException e.g. "port 8080 (PARLEY_HTTP_PORT) is already in use"
     */
    public static void requireFree(String host, List<Port> ports) {
        for (Port port : ports) {
            if (port.port() > 0 && !isFree(host, port.port())) {
                throw new PortInUseException(port);
            }
        }
    }

    /** True when a server could bind {@code host:port} now. */
    static boolean isFree(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the bind host " + host, e);
        }
        try (ServerSocket socket = new ServerSocket()) {
            // as the servers bind: SO_REUSEADDR ignores connections of a stopped process in TIME_WAIT, and still
            // fails on a port something listens on
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port), 1);
            return true;
        } catch (BindException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot check port " + port + " on " + host + ": " + e.getMessage(), e);
        }
    }

    /** A port another process already listens on. */
    public static final class PortInUseException extends IllegalStateException {

        private final Port port;

        public PortInUseException(Port port) {
            super("port " + port.port() + " (" + port.setting() + ") is already in use");
            this.port = port;
        }

        public Port port() {
            return port;
        }
    }
}
