package dev.parley.ingest.auth;

/** A credential was refused: answered with 401 and the message, never with the credential. */
public final class AuthException extends RuntimeException {

    public AuthException(String message) {
        super(message, null, false, false);
    }
}
