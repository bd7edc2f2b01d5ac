package dev.parley.worker.catalogue;

/** A router rule: when its condition holds for a turn, the turn takes {@code route}. */
public record RouteRule(String name, RuleCondition when, String route) {
}
