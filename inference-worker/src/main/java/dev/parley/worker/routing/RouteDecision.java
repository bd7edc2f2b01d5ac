package dev.parley.worker.routing;

/**
 * The route a turn takes and why: {@code requested}, {@code spotlight}, {@code default} or the name of the rule
 * that matched (for the ledger and metrics).
 */
public record RouteDecision(String route, String rule) {
}
