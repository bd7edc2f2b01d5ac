package dev.parley.schemas.registry;

/** A schema-registry call failed; carries the registry's {@code error_code} when it answered with one. */
public class SchemaRegistryException extends RuntimeException {

    /** Subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Schema not found (unknown id, or schema not under the subject). */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** The schema is incompatible with the subject's earlier versions. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** The schema is not valid. */
    public static final int INVALID_SCHEMA = 42201;
    /** Marks failures where the registry gave no error code (unreachable, unreadable answer). */
    public static final int NO_ERROR_CODE = -1;

    private final int errorCode;
    private final int httpStatus;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        this(message, httpStatus, errorCode, null);
    }

    public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The registry's {@code error_code} (e.g. 40403), or {@link #NO_ERROR_CODE}. */
    public int errorCode() {
        return errorCode;
    }

    /** The HTTP status of the answer, or {@link #NO_ERROR_CODE} when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** True for 40401 and 40403: the subject or the schema is not (yet) registered. */
    public boolean isNotFound() {
        return errorCode == SUBJECT_NOT_FOUND || errorCode == SCHEMA_NOT_FOUND;
    }
}
