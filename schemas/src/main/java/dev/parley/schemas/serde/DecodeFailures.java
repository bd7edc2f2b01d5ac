package dev.parley.schemas.serde;

import dev.parley.schemas.registry.SchemaRegistryException;
import dev.parley.schemas.registry.SchemaRegistryUnreachableException;

/**
 * The one classifier every consumer asks when a record fails to decode: is it the record's fault (dead-letter it
 * and move on) or the schema registry's (keep the record, retry it later)? Dead-lettering a good record because the
 * registry was down for a moment loses it for every reader that trusts the DLQ to hold only poison.
 */
public final class DecodeFailures {

    private DecodeFailures() {
    }

    /**
     * True when the failure says nothing about the bytes: the registry did not answer, or answered with a server
     * error (5xx, e.g. while its own storage is unavailable). The same record may decode once it is back.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryUnreachableException) {
                return true;
            }
            if (cause instanceof SchemaRegistryException registry && registry.httpStatus() >= 500) {
                return true;
            }
        }
        return false;
    }
}
