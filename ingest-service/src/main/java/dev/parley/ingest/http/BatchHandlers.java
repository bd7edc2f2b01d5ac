package dev.parley.ingest.http;

import dev.parley.avro.BatchTag;
import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.ledger.TurnArrival;
import dev.parley.ingest.ledger.TurnIntake;
import dev.parley.ingest.ledger.TurnOptions;
import dev.parley.ingest.limits.Limits;
import dev.parley.ingest.limits.TurnPermit;
import dev.parley.ingest.stream.EventSink;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.telemetry.Tracing;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Batched turns, {@code POST /v1/batches/turns}: one UserTurn per agent, each in the agent's own session and tagged
 * with the batch, answered 202 once Kafka acknowledged every one of them.
 */
final class BatchHandlers {

    private final Sessions sessions;
    private final TurnIntake intake;
    private final int maxTurnBytes;
    private final int maxAgents;
    private final Limits limits;

    BatchHandlers(Sessions sessions, TurnIntake intake, int maxTurnBytes, int maxAgents, Limits limits) {
        this.sessions = sessions;
        this.intake = intake;
        this.maxTurnBytes = maxTurnBytes;
        this.maxAgents = maxAgents;
        this.limits = limits;
    }

    void submit(RoutingContext ctx) {
        String traceparent = ctx.request().getHeader(Tracing.TRACEPARENT);
        BatchRequest batch;
        List<TurnPermit> permits;
        try {
            batch = BatchRequest.parse(ctx.body().buffer(), maxTurnBytes, maxAgents);
            permits = limits.of(ctx).admitTurns(batch.agents().size());
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        List<TurnArrival> arrivals = batch.agents().stream()
                .map(agent -> TurnArrival.now(traceparent, EventSink.SSE)).toList();
        String principal = Principals.of(ctx);
        // every session is checked before anything is written: a refused batch writes nothing
        List<Future<Integer>> partitions = batch.agents().stream()
                .map(agent -> sessions.require(agent.sessionId(), principal)).toList();
        Future.join(partitions).onComplete(checked -> {
            Throwable refused = firstFailure(partitions);
            if (refused != null) {
                permits.forEach(TurnPermit::release);
                JsonResponses.fail(ctx, refused);
                return;
            }
            write(ctx, batch, principal, partitions, permits, arrivals);
        });
    }

    /** Appends every agent's turn (the ledger writer keeps them in order) and answers once all are settled. */
    private void write(RoutingContext ctx, BatchRequest batch, String principal, List<Future<Integer>> partitions,
                       List<TurnPermit> permits, List<TurnArrival> arrivals) {
        String batchId = UuidV7.next().toString();
        TurnOptions options = new TurnOptions(batch.route(), false);
        int size = batch.agents().size();
        List<Future<String>> turnIds = new ArrayList<>(size);
        for (int position = 0; position < size; position++) {
            BatchRequest.Agent agent = batch.agents().get(position);
            BatchTag tag = BatchTag.newBuilder().setBatchId(batchId).setAgent(agent.agent()).setPosition(position)
                    .setAgents(size).setState(agent.state()).setInstructions(batch.instructions())
                    .setRetryAlone(batch.retryAlone()).build();
            turnIds.add(permits.get(position).accepted(agent.sessionId(), partitions.get(position).result(),
                    intake.submitBatched(agent.sessionId(), partitions.get(position).result(), principal,
                            agent.text(), options, tag, arrivals.get(position))));
        }
        Future.join(turnIds).onComplete(settled -> {
            Answer answer = answer(batchId, batch.agents(), turnIds);
            JsonResponses.send(ctx, answer.status(), answer.body());
        });
    }

    /** A batch's answer: its status and JSON body. */
    record Answer(int status, JsonObject body) {
    }

    /**
     * 202 with every agent's turn once all were written; when some were not, the first failure's status and code, with
     * the turns that were written ({@code turns}) and the agents whose turns were not ({@code failed}).
     */
    static Answer answer(String batchId, List<BatchRequest.Agent> agents, List<Future<String>> turnIds) {
        JsonArray written = new JsonArray();
        JsonArray failed = new JsonArray();
        for (int position = 0; position < agents.size(); position++) {
            BatchRequest.Agent agent = agents.get(position);
            Future<String> turnId = turnIds.get(position);
            if (turnId.succeeded()) {
                written.add(new JsonObject().put("agent", agent.agent()).put("sessionId", agent.sessionId())
                        .put("turnId", turnId.result())
                        .put("events", TurnHandlers.eventsPath(agent.sessionId(), turnId.result())));
            } else {
                failed.add(new JsonObject().put("agent", agent.agent()).put("sessionId", agent.sessionId()));
            }
        }
        Throwable error = firstFailure(turnIds);
        if (error == null) {
            return new Answer(202, new JsonObject().put("batchId", batchId).put("turns", written));
        }
        ApiException api = error instanceof ApiException known ? known : ApiException.kafkaWriteFailed(error);
        String message = failed.size() + " of " + agents.size() + " turns of batch " + batchId + " were not written ("
                + api.getMessage() + "); turns lists those that were, failed the agents whose turns were not";
        return new Answer(api.status(), JsonResponses.errorBody(api.code(), message)
                .put("batchId", batchId).put("turns", written).put("failed", failed));
    }

    /** The cause of the first failed future, in request order; null when none failed. */
    private static Throwable firstFailure(List<? extends Future<?>> futures) {
        return futures.stream().filter(Future::failed).map(Future::cause).findFirst().orElse(null);
    }
}
