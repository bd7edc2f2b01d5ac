package dev.parley.worker.catalogue;

/**
 * What a router rule looks for in a turn; every condition that is set (non-null) must hold.
 *
 * @param pattern     a Java regex found anywhere in the turn's text (its source: compiled by the router)
 * @param minChars    the text has at least this many characters
 * @param maxChars    the text has at most this many characters
 * @param hasCode     the text does (true) or does not (false) look like it contains code
 * @param question    the text is (true) or is not (false) a question
 * @param recentRoute one of the session's last routes is this one
 */
public record RuleCondition(String pattern, Integer minChars, Integer maxChars, Boolean hasCode, Boolean question,
                            String recentRoute) {

    /** True when no condition is set: such a rule would match every turn, which is the default route's job. */
    public boolean isEmpty() {
        return pattern == null && minChars == null && maxChars == null && hasCode == null && question == null
            && recentRoute == null;
    }
}
