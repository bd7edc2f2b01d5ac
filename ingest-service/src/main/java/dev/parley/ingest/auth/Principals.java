package dev.parley.ingest.auth;

import io.vertx.ext.web.RoutingContext;

/**
 * Who is asking: the authenticated principal of a request, put on its routing context by the authentication handler
 * that runs before every API route, and read by ownership checks, limits and the ledger writes. Without
 * authentication ({@code PARLEY_AUTH=none}) every request is {@link #ANONYMOUS}.
 */
public final class Principals {

    /** The principal of every request when authentication is off; recorded as null in the ledger. */
    public static final String ANONYMOUS = "anonymous";

    private static final String KEY = "parley.principal";

    private Principals() {
    }

    /** Records the request's principal; called once, by the authentication handler. */
    public static void set(RoutingContext ctx, String principal) {
        ctx.put(KEY, principal);
    }

    /** The request's principal, or {@link #ANONYMOUS} when none was set. */
    public static String of(RoutingContext ctx) {
        String principal = ctx.get(KEY);
        return principal == null ? ANONYMOUS : principal;
    }

    /** The principal as the ledger records it: null for {@link #ANONYMOUS}. */
    public static String forLedger(String principal) {
        return ANONYMOUS.equals(principal) ? null : principal;
    }
}
