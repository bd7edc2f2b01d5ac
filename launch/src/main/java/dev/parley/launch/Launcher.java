package dev.parley.launch;

import java.net.BindException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Parley main does: start its service, or exit 1 with one line saying why (a bad setting, a port or data
 * directory in use, a missing topic); then run until Ctrl-C, which stops the service from a named shutdown hook.
 */
public final class Launcher {

    private static final Logger log = LoggerFactory.getLogger(Launcher.class);

    /** Starts the service and hands back what stops it. */
    @FunctionalInterface
    public interface Start {
        AutoCloseable start() throws Exception;
    }

    private Launcher() {
    }

    /** Runs {@code service} (e.g. "The gateway", the start of its log lines) until the JVM is asked to stop; exits 1 when it does not start. */
    public static void run(String service, Start start) throws InterruptedException {
        AutoCloseable running;
        try {
            running = start.start();
        } catch (Exception e) {
            // one line for the operator; the stack trace only when asked for (logger dev.parley at DEBUG)
            log.error("{} did not start: {}", service, reason(e));
            log.debug("{} did not start", service, e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping {}", service);
            try {
                running.close();
            } catch (Exception e) {
                log.warn("Stopping {} failed: {}", service, e.toString());
            }
            stopped.countDown();
        }, "parley-shutdown"));
        stopped.await();
    }

    /**
     * Starts a service on a resource it owns, e.g. its Vert.x: when the start fails the resource is closed and the
     * failure passed on; otherwise what is returned stops the service, then closes the resource.
     */
    public static AutoCloseable owning(AutoCloseable resource, Start start) throws Exception {
        AutoCloseable service;
        try {
            service = start.start();
        } catch (Exception e) {
            resource.close();
            throw e;
        }
        return () -> {
            try (resource) {
                service.close();
            }
        };
    }

    /**
     * The one-line reason a start failed: the exception's message, or for a bind error that a port check could not
     * foresee (another process took the port in between) that a port is in use.
     */
    public static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PortCheck.PortInUseException) {
                return cause.getMessage();
            }
            if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) {
                return "a port is already in use (" + cause.getMessage() + ")";
            }
        }
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.toString() : message.replace('\n', ' ');
    }
}
