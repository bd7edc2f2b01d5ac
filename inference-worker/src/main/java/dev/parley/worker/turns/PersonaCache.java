package dev.parley.worker.turns;

import dev.parley.avro.Persona;
import dev.parley.schemas.topics.CompactedTable;
import dev.parley.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Every persona of {@code parley.personas.v1}, tailed into memory. A turn may name a persona this worker has not
 * read yet (stored a moment ago through another gateway): it then waits, boundedly, for the table to catch up with
 * the topic before calling the persona unknown.
 */
public final class PersonaCache implements AutoCloseable {

    /** How long a turn waits for a persona it names to be read. */
    static final Duration WAIT = Duration.ofSeconds(5);

    private final CompactedTable<Persona> table;

    private PersonaCache(CompactedTable<Persona> table) {
        this.table = table;
    }

    static PersonaCache start(Map<String, Object> kafka) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "parley-personas-" + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        return new PersonaCache(CompactedTable.start("personas", config, Topics.PERSONAS.name(),
            Topics.PERSONAS.valueSerde(kafka).deserializer()));
    }

    /**
     * The prefix of a turn naming {@code name} (null: {@link PersonaPrefix#NONE}). Blocking: call it on a starter
     * thread.
     *
     * @throws IllegalStateException whose message is the turn's failure reason: the persona is unknown
     */
    PersonaPrefix prefixFor(String name) {
        if (name == null) {
            return PersonaPrefix.NONE;
        }
        return new PersonaPrefix(table.get(name).or(() -> afterCatchUp(name)).orElseThrow(() ->
            new IllegalStateException("unknown persona " + name + ": not in " + Topics.PERSONAS.name()
                + " after waiting " + WAIT.toSeconds() + " s for it")));
    }

    private Optional<Persona> afterCatchUp(String name) {
        try {
            table.catchUp().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return table.get(name);
    }

    @Override
    public void close() {
        table.close();
    }
}
