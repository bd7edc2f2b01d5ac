package dev.parley.kafka.registry;

/** A failure with a Confluent Schema Registry error code; the HTTP status is the code's first three digits. */
final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final int SUBJECT_NOT_FOUND = 40401;
    static final int VERSION_NOT_FOUND = 40402;
    static final int SCHEMA_NOT_FOUND = 40403;
    static final int SUBJECT_CONFIG_NOT_FOUND = 40408;
    static final int INCOMPATIBLE_SCHEMA = 409;
    static final int INVALID_SCHEMA = 42201;
    static final int INVALID_VERSION = 42202;
    static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    static final int STORE_ERROR = 50001;
    static final int STORE_TIMEOUT = 50002;

    private final int errorCode;

    RegistryException(int errorCode, String message) {
        this(errorCode, message, null);
    }

    RegistryException(int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    int errorCode() {
        return errorCode;
    }

    int httpStatus() {
        int status = errorCode;
        while (status >= 1000) {
            status /= 10;
        }
        return status;
    }

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(int version) {
        return new RegistryException(VERSION_NOT_FOUND, "Version " + version + " not found.");
    }

    static RegistryException schemaNotFound(String message) {
        return new RegistryException(SCHEMA_NOT_FOUND, message);
    }

    static RegistryException subjectConfigNotFound(String subject) {
        return new RegistryException(SUBJECT_CONFIG_NOT_FOUND,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    static RegistryException incompatible(String message) {
        return new RegistryException(INCOMPATIBLE_SCHEMA, message);
    }

    static RegistryException invalidSchema(String message) {
        return new RegistryException(INVALID_SCHEMA, message);
    }

    static RegistryException invalidVersion(String version) {
        return new RegistryException(INVALID_VERSION, "The specified version '" + version
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryException invalidCompatibilityLevel(String level) {
        return new RegistryException(INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level '" + level
                + "'. Valid values are none, backward, forward, full, backward_transitive, forward_transitive,"
                + " and full_transitive");
    }

    static RegistryException badRequest(String message) {
        return new RegistryException(400, message);
    }
}
