package dev.parley.postprocess.extract;

import java.util.List;

/** Folds older chat turns into a running summary of bounded length. */
public interface Summarizer {

    /**
     * The summary of {@code previousSummary} (null when there is none) followed by {@code turns}, in at most
     * {@code maxChars} characters.
     */
    String summarize(String previousSummary, List<SummaryTurn> turns, int maxChars);

    /** Names the summarizer in the snapshots it produced, e.g. {@code extractive} or {@code llm:<model>}. */
    String id();
}
