package dev.parley.ingest.http;

import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.postprocess.PostprocessClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The caller's own views, as postprocess-streams keeps them per principal: {@code GET /v1/usage} (usage totals) and
 * {@code GET /v1/sessions} (sessions, newest first). The principal comes from the credentials, never from the
 * request, so nobody reads another principal's usage or sessions.
 */
final class PrincipalViewHandlers {

    static final int DEFAULT_SESSIONS = 50;
    static final int MAX_SESSIONS = 200;

    private final PostprocessClient postprocess;

    PrincipalViewHandlers(PostprocessClient postprocess) {
        this.postprocess = postprocess;
    }

    void usage(RoutingContext ctx) {
        answer(ctx, postprocess.usage(Principals.of(ctx)), "usage query");
    }

    void sessions(RoutingContext ctx) {
        String limit = ctx.queryParams().get("limit");
        // a bad limit fails the future with 400 bad_limit before postprocess is asked
        answer(ctx, Future.succeededFuture(limit)
                .map(given -> QueryCounts.parse("limit", given, DEFAULT_SESSIONS, MAX_SESSIONS))
                .compose(count -> postprocess.sessions(Principals.of(ctx), count)), "sessions query");
    }

    private void answer(RoutingContext ctx, Future<PostprocessClient.Reply> query, String what) {
        query.map(reply -> body(reply, what))
                .onSuccess(body -> JsonResponses.send(ctx, 200, body))
                .onFailure(error -> JsonResponses.fail(ctx, error));
    }

    private Buffer body(PostprocessClient.Reply reply, String what) {
        if (reply.status() == 200) {
            return reply.body();
        }
        throw postprocess.unexpected(reply, what);
    }
}
