package dev.parley.ingest.http;

import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.postprocess.PostprocessClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/usage}: the caller's own usage totals as postprocess-streams adds them up. The principal comes
 * from the credentials, never from the request, so nobody reads another principal's usage.
 */
final class UsageHandler {

    private final PostprocessClient postprocess;

    UsageHandler(PostprocessClient postprocess) {
        this.postprocess = postprocess;
    }

    void mine(RoutingContext ctx) {
        postprocess.usage(Principals.of(ctx))
                .map(this::body)
                .onSuccess(body -> JsonResponses.send(ctx, 200, body))
                .onFailure(error -> JsonResponses.fail(ctx, error));
    }

    private Buffer body(PostprocessClient.Reply reply) {
        if (reply.status() == 200) {
            return reply.body();
        }
        throw postprocess.unexpected(reply, "usage query");
    }
}
