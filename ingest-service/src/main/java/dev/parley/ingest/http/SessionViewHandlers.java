package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.postprocess.PostprocessClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/sessions/{sid}} and {@code GET /v1/sessions/{sid}/search}: what postprocess-streams knows of a
 * session, proxied after the gateway's own session check so an unknown session never reaches postprocess.
 */
final class SessionViewHandlers {

    private final Sessions sessions;
    private final PostprocessClient postprocess;

    SessionViewHandlers(Sessions sessions, PostprocessClient postprocess) {
        this.sessions = sessions;
        this.postprocess = postprocess;
    }

    void view(RoutingContext ctx) {
        String sessionId = ctx.pathParam("sid");
        sessions.require(sessionId, Principals.of(ctx))
                .compose(partition -> postprocess.session(sessionId)
                        .map(reply -> viewBody(sessionId, partition, reply)))
                .onSuccess(body -> JsonResponses.send(ctx, 200, body))
                .onFailure(error -> JsonResponses.fail(ctx, error));
    }

    void search(RoutingContext ctx) {
        String sessionId = ctx.pathParam("sid");
        SearchRequest search;
        try {
            search = SearchRequest.parse(ctx.request().getParam("q"), ctx.request().getParam("k"));
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        sessions.require(sessionId, Principals.of(ctx))
                .compose(partition -> postprocess.search(sessionId, search.query(), search.k()))
                .map(reply -> searchBody(sessionId, search, reply))
                .onSuccess(body -> JsonResponses.send(ctx, 200, body))
                .onFailure(error -> JsonResponses.fail(ctx, error));
    }

    /**
     * The view of a session postprocess has not read yet: the gateway knows it exists (and its partition), so
     * it is an empty session, not an unknown one.
     */
    static JsonObject pendingView(String sessionId, int partition) {
        return new JsonObject()
                .put("sessionId", sessionId)
                .put("ledgerPartition", partition)
                .put("turnCount", 0)
                .put("ledgerOffset", -1)
                .putNull("summary")
                .put("facts", new JsonObject())
                .put("openCommitments", new JsonArray())
                .put("recentTurns", new JsonArray())
                .putNull("usage")
                .put("snapshot", "pending");
    }

    private Buffer viewBody(String sessionId, int partition, PostprocessClient.Reply reply) {
        if (reply.status() == 200) {
            return reply.body();
        }
        if (reply.sessionNotFound()) {
            return pendingView(sessionId, partition).toBuffer();
        }
        throw postprocess.unexpected(reply, "session view");
    }

    private Buffer searchBody(String sessionId, SearchRequest search, PostprocessClient.Reply reply) {
        if (reply.status() == 200) {
            return reply.body();
        }
        if (reply.sessionNotFound()) {
            return new JsonObject().put("sessionId", sessionId).put("query", search.query())
                    .put("results", new JsonArray()).toBuffer();
        }
        if (reply.status() == 400 && reply.errorCode() != null) {
            // the gateway checked q and k; postprocess may still refuse a query it cannot embed
            throw ApiException.badRequest(reply.errorCode(), "postprocess refused the search: "
                    + (reply.errorMessage() == null ? "no reason given" : reply.errorMessage()));
        }
        throw postprocess.unexpected(reply, "search");
    }
}
