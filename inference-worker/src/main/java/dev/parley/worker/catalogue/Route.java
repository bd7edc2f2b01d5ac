package dev.parley.worker.catalogue;

import java.util.List;

/**
 * A named way to answer a turn: one {@code answer} stage, or staged quick → deep → synthesis; {@code batch} (null:
 * none) gathers its single turns into batch calls; and, when the route opts in, how its contexts are compressed (null:
 * sent as built).
 */
public record Route(String name, List<Stage> stages, BatchWindow batch, Compression compress) {

    public Route {
        stages = List.copyOf(stages);
    }

    /** A route that neither batches nor compresses. */
    public Route(String name, List<Stage> stages) {
        this(name, stages, null, null);
    }

    /** An unstaged route: these backends in order, one stage named {@value Stage#ANSWER}. */
    public static Route of(String name, List<String> backends) {
        return new Route(name, List.of(Stage.answer(backends, null)));
    }

    /** True when the route has stages other than the single {@value Stage#ANSWER} one. */
    public boolean staged() {
        return !(stages.size() == 1 && Stage.ANSWER.equals(stages.get(0).name()));
    }

    /** Every backend the route may call, each once, in the order of its stages. */
    public List<String> backends() {
        return stages.stream().flatMap(stage -> stage.backends().stream()).distinct().toList();
    }
}
