package dev.parley.ingest.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.apache.kafka.common.KafkaFuture;

/** Brings results from Kafka's threads back onto the Vert.x context that asked for them. */
public final class OnContext {

    // Kafka completes callbacks on its own I/O threads; Vert.x handlers must run on their context
    // so that connection state is only touched by one thread.

    private OnContext() {
    }

    /** Runs tasks on the calling thread's Vert.x context, or inline when called outside Vert.x. */
    public static Executor current() {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Runnable::run;
        }
        return task -> context.runOnContext(ignored -> task.run());
    }

    /** A Vert.x future completed on the caller's context when {@code future} completes. */
    public static <T> Future<T> future(KafkaFuture<T> future) {
        Executor executor = current();
        Promise<T> promise = Promise.promise();
        future.whenComplete((value, error) -> executor.execute(() -> {
            if (error != null) {
                promise.fail(unwrap(error));
            } else {
                promise.complete(value);
            }
        }));
        return promise.future();
    }

    /** The cause that matters, without the completion wrappers. */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
