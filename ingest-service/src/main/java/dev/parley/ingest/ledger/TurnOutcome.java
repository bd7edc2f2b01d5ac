package dev.parley.ingest.ledger;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.BackendCall;
import dev.parley.avro.BatchShare;
import dev.parley.avro.PersonaRef;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.RouteChoice;
import dev.parley.avro.StageText;
import dev.parley.avro.Usage;
import java.util.List;

/**
 * How a turn was answered, as its terminal event records it: the route chosen, the backend that answered, each
 * stage's text, every backend call, the summed usage and cost. Only a reply names a backend and stages.
 *
 * @param route   null when the worker recorded none (an older worker)
 * @param backend null for failed and cancelled turns, and from an older worker
 * @param usage   null when the worker recorded none
 * @param costUsd null when no prices are configured
 * @param finishReason the backend's finish reason of a reply (stop, length, ...); null otherwise
 * @param batch   the batch call that answered the turn; null for a single turn
 * @param persona the persona block its requests began with; null for none
 */
public record TurnOutcome(RouteChoice route, String backend, List<StageText> stages, List<BackendCall> attempts,
                          Usage usage, Double costUsd, String finishReason, BatchShare batch, PersonaRef persona) {

    public static TurnOutcome of(AssistantReply reply) {
        return new TurnOutcome(reply.getRoute(), reply.getBackend(), List.copyOf(reply.getStages()),
                List.copyOf(reply.getAttempts()), reply.getUsage(), reply.getCostUsd(), reply.getFinishReason(),
                reply.getBatch(), reply.getPersona());
    }

    public static TurnOutcome of(ReplyFailed failed) {
        return new TurnOutcome(failed.getRoute(), null, List.of(), List.copyOf(failed.getAttempts()),
                failed.getUsage(), failed.getCostUsd(), null, failed.getBatch(), failed.getPersona());
    }

    public static TurnOutcome of(ReplyCancelled cancelled) {
        return new TurnOutcome(cancelled.getRoute(), null, List.of(), List.copyOf(cancelled.getAttempts()),
                cancelled.getUsage(), cancelled.getCostUsd(), null, cancelled.getBatch(), cancelled.getPersona());
    }
}
