package dev.parley.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxThread;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x whose threads carry a prefix ({@code gateway-vert.x-eventloop-thread-0}), so that the CPU time of each
 * service in the bench's one JVM can be told apart by thread name. Uses Vert.x's internal bootstrap: the public
 * builder has no thread factory.
 */
final class NamedVertx {

    private NamedVertx() {
    }

    static Vertx create(String prefix) {
        return VertxBootstrap.create().options(new VertxOptions()).threadFactory(new VertxThreadFactory() {
            @Override
            public VertxThread newVertxThread(Runnable task, String name, boolean worker, long maxExecTime,
                                              TimeUnit maxExecTimeUnit) {
                return new VertxThread(task, prefix + "-" + name, worker, maxExecTime, maxExecTimeUnit);
            }
        }).init().vertx();
    }
}
