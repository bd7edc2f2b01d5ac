package dev.parley.postprocess.extract;

import java.util.Objects;

/**
 * A promise found in an assistant reply.
 *
 * @param text        the promise sentence, trimmed, at most {@value CommitmentExtractor#MAX_TEXT_CHARS} characters
 * @param dueAtMillis when the promise falls due (epoch millis, UTC), or null when the reply states no time
 */
public record ExtractedCommitment(String text, Long dueAtMillis) {

    public ExtractedCommitment {
        Objects.requireNonNull(text, "text");
    }
}
