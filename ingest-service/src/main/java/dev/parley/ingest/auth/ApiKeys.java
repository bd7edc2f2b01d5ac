package dev.parley.ingest.auth;

import dev.parley.avro.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The API key format, {@code pk_<keyId>_<secret>}: a public key id (16 hex digits) that finds the key's record, and
 * 256 random bits. Only the SHA-256 of the whole key is stored. A fast hash is enough here, unlike for passwords: a
 * key has 256 bits of entropy, so no guessing or precomputation can find a preimage, while a slow hash (bcrypt,
 * Argon2) would cost milliseconds of CPU on every request and protect nothing more.
 */
public final class ApiKeys {

    public static final String PREFIX = "pk_";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_ID_BYTES = 8;
    private static final int SECRET_BYTES = 32;

    /** A key just made: the key itself, shown once, and the record stored for it. */
    public record NewKey(String key, ApiKey record) {
    }

    private ApiKeys() {
    }

    /** A new random key for {@code principal}. */
    public static NewKey create(String principal) {
        byte[] id = new byte[KEY_ID_BYTES];
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String keyId = HexFormat.of().formatHex(id);
        String key = PREFIX + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        ApiKey record = ApiKey.newBuilder().setKeyId(keyId).setPrincipal(principal).setHash(hash(key))
                .setCreatedAt(Instant.now()).setRevokedAt(null).build();
        return new NewKey(key, record);
    }

    /** Whether the credential has the shape of an API key (and not, e.g., of a JWT). */
    public static boolean looksLikeKey(String credential) {
        return credential.startsWith(PREFIX);
    }

    /** The key id inside {@code key}, or empty when it is not shaped like a key. */
    public static Optional<String> keyIdOf(String key) {
        if (!looksLikeKey(key)) {
            return Optional.empty();
        }
        int end = key.indexOf('_', PREFIX.length());
        if (end != PREFIX.length() + KEY_ID_BYTES * 2) {
            return Optional.empty();
        }
        return Optional.of(key.substring(PREFIX.length(), end));
    }

    /** Whether {@code key} is the key {@code record} was made for, compared in constant time. */
    public static boolean matches(ApiKey record, String key) {
        return MessageDigest.isEqual(hash(key).getBytes(StandardCharsets.US_ASCII),
                record.getHash().getBytes(StandardCharsets.US_ASCII));
    }

    /** Lower-case hex SHA-256 of the key's UTF-8 bytes. */
    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
