package dev.parley.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the gateway that fails the way networks do, for every connection open at the time: it
 * cuts them (both ends see the connection close) or stalls them (they stay open and carry nothing more, as when a
 * network drops a connection without a word). Connections made afterwards work as before.
 */
final class FlakyProxy implements AutoCloseable {

    /** One proxied connection: the client's socket, the gateway's, and whether it still carries data. */
    private static final class Link {
        final Socket client;
        final Socket gateway;
        volatile boolean stalled;

        Link(Socket client, Socket gateway) {
            this.client = client;
            this.gateway = gateway;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(gateway);
        }
    }

    private final ServerSocket server;
    private final int target;
    private final List<Link> links = new CopyOnWriteArrayList<>();

    FlakyProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://localhost:" + server.getLocalPort();
    }

    /** Closes every connection open now. */
    void cut() {
        for (Link link : links) {
            link.close();
            links.remove(link);
        }
    }

    /** Every connection open now carries nothing more, and stays open. */
    void stall() {
        links.forEach(link -> link.stalled = true);
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            try {
                Link link = new Link(client, new Socket(InetAddress.getLoopbackAddress(), target));
                links.add(link);
                pump(link, link.client, link.gateway);
                pump(link, link.gateway, link.client);
            } catch (IOException refused) {
                closeQuietly(client); // the client sees its connection end
            }
        }
    }

    private static void pump(Link link, Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (!link.stalled) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException cut) {
                // either side closed
            } finally {
                link.close();
            }
        }, "proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException alreadyGone) {
            // nothing to release
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
