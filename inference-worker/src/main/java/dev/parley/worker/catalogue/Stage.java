package dev.parley.worker.catalogue;

import java.util.List;

/**
 * One step of a route: the backends to try in order (primary, then fallbacks) and the confidence the step's answer
 * should reach, or null when the step has no threshold.
 */
public record Stage(String name, List<String> backends, Float confidence) {

    /** The one stage of an unstaged route. */
    public static final String ANSWER = "answer";
    public static final String QUICK = "quick";
    public static final String DEEP = "deep";
    public static final String SYNTHESIS = "synthesis";
    /** The stage names a staged route may use, in the order its stages must come. */
    public static final List<String> STAGED_ORDER = List.of(QUICK, DEEP, SYNTHESIS);

    public Stage {
        backends = List.copyOf(backends);
    }

    /** The single stage of an unstaged route. */
    public static Stage answer(List<String> backends, Float confidence) {
        return new Stage(ANSWER, backends, confidence);
    }
}
