package dev.parley.worker.turns;

import dev.parley.avro.Persona;
import dev.parley.avro.PersonaRef;
import dev.parley.worker.backend.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The persona block a turn's requests begin with: exactly the stored text as the first message, nothing added, so
 * every request of every session naming the persona shares that prefix byte for byte and a backend's prompt cache
 * can reuse it. {@link #NONE} for a session without a persona.
 */
record PersonaPrefix(Persona persona) {

    static final PersonaPrefix NONE = new PersonaPrefix(null);

    /** The context with the persona block first (a cache point); the context itself when there is no persona. */
    List<ChatMessage> prepend(List<ChatMessage> context) {
        if (persona == null) {
            return context;
        }
        List<ChatMessage> messages = new ArrayList<>(context.size() + 1);
        messages.add(ChatMessage.cachedSystem(persona.getText()));
        messages.addAll(context);
        return messages;
    }

    /** What the terminal event records: the persona's name and the version used; null without one. */
    PersonaRef ref() {
        return persona == null ? null : new PersonaRef(persona.getName(), persona.getVersion());
    }
}
