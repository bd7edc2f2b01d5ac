package dev.parley.postprocess.extract;

import java.util.Objects;

/**
 * One chat turn handed to a {@link Summarizer}.
 *
 * @param assistantText the reply, or null when the turn has none (yet)
 */
public record SummaryTurn(String turnId, String userText, String assistantText) {

    public SummaryTurn {
        Objects.requireNonNull(turnId, "turnId");
        Objects.requireNonNull(userText, "userText");
    }
}
