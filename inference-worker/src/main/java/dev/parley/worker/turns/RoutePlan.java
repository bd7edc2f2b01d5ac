package dev.parley.worker.turns;

import dev.parley.avro.GenerationSettings;
import dev.parley.avro.PersonaRef;
import dev.parley.avro.StageText;
import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.backend.ChatRequest;
import dev.parley.worker.catalogue.Route;
import dev.parley.worker.catalogue.Stage;
import dev.parley.worker.resilience.GuardedBackend;
import dev.parley.worker.routing.RouteDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How one turn is answered: the router's decision, the route's stages and backends, the context (its persona block
 * first, if the session names one; {@code persona} records which version, null without one). A later
 * stage sees the earlier stages' answers as the conversation so far, followed by its own instruction and the
 * user's words again, so any model (and the simulator's directives) can follow it. The client's generation settings
 * ({@code generation}, null for none) go with every stage's request, as with every fallback's.
 */
record RoutePlan(RouteDecision decision, Route route, Function<String, GuardedBackend> backends,
                 List<ChatMessage> context, String userText, boolean spotlight, PersonaRef persona,
                 GenerationSettings generation) {

    static final String DEEP = "Answer the same message again, more thoroughly: check the answer above, correct "
        + "what is wrong and go deeper.";
    static final String SYNTHESIS = "Merge the answers above into one final answer, keeping what is right in each.";

    RoutePlan {
        context = List.copyOf(context);
    }

    Stage stage(int index) {
        return route.stages().get(index);
    }

    int stages() {
        return route.stages().size();
    }

    /** The request for stage {@code index}, given the texts of the stages before it. */
    ChatRequest request(int index, List<StageText> done) {
        if (index == 0) {
            return new ChatRequest(null, context).withGeneration(generation);
        }
        List<ChatMessage> messages = new ArrayList<>(context);
        for (int i = 0; i < index; i++) {
            messages.add(ChatMessage.assistant(done.get(i).getText()));
            messages.add(ChatMessage.user(instruction(stage(i + 1).name()) + "\n\n" + userText));
        }
        return new ChatRequest(null, messages).withGeneration(generation);
    }

    private static String instruction(String stage) {
        return "synthesis".equals(stage) ? SYNTHESIS : DEEP;
    }
}
