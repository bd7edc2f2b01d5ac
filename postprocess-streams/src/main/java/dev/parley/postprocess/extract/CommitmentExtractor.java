package dev.parley.postprocess.extract;

import java.util.List;

/** Finds the promises an assistant makes in a reply and when they fall due. */
public interface CommitmentExtractor {

    /** The longest {@link ExtractedCommitment#text()} an extractor returns; longer sentences are cut at a word. */
    int MAX_TEXT_CHARS = 200;

    /**
     * The promises in {@code assistantText}, in reply order, with due times in UTC resolved against
     * {@code replyTimestampMillis} (never the wall clock).
     */
    List<ExtractedCommitment> extract(String assistantText, long replyTimestampMillis);

    /** Names the extractor in logs, e.g. {@code rules} or {@code llm:<model>}. */
    String id();
}
