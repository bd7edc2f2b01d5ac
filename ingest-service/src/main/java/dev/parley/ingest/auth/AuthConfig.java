package dev.parley.ingest.auth;

import dev.parley.schemas.config.Env;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * How the gateway authenticates requests, read from the environment and validated: which credentials it accepts
 * ({@value #MODE}), the JWT settings, and the secret that signs stream tokens.
 *
 * @param modes             the accepted credentials; empty for {@code none} (every request is anonymous)
 * @param jwtSecret         the HS256 shared secret, or null
 * @param jwksFile          a JWKS file with RS256/ES256 public keys, or null
 * @param jwksUrl           a JWKS URL, or null
 * @param jwtIssuer         the {@code iss} every JWT must carry (required in jwt mode)
 * @param jwtAudience       the {@code aud} every JWT must name (required in jwt mode)
 * @param jwtClockSkew      how far {@code exp}/{@code nbf} may be off
 * @param jwtPrincipalClaim the claim naming the principal
 * @param streamTokenSecret the HMAC secret of stream tokens, or null to generate one for this process
 */
public record AuthConfig(Set<Mode> modes, String jwtSecret, Path jwksFile, String jwksUrl, String jwtIssuer,
                         String jwtAudience, Duration jwtClockSkew, String jwtPrincipalClaim,
                         String streamTokenSecret) {

    public static final String MODE = "PARLEY_AUTH";
    public static final String JWT_SECRET = "PARLEY_JWT_SECRET";
    public static final String JWT_JWKS_FILE = "PARLEY_JWT_JWKS_FILE";
    public static final String JWT_JWKS_URL = "PARLEY_JWT_JWKS_URL";
    public static final String JWT_ISSUER = "PARLEY_JWT_ISSUER";
    public static final String JWT_AUDIENCE = "PARLEY_JWT_AUDIENCE";
    public static final String JWT_CLOCK_SKEW_S = "PARLEY_JWT_CLOCK_SKEW_S";
    public static final String JWT_PRINCIPAL_CLAIM = "PARLEY_JWT_PRINCIPAL_CLAIM";
    public static final String STREAM_TOKEN_SECRET = "PARLEY_STREAM_TOKEN_SECRET";

    /** A gateway on its own authenticates with API keys unless told otherwise; ./parley start sets none. */
    public static final String DEFAULT_MODE = "keys";
    public static final int DEFAULT_CLOCK_SKEW_S = 60;
    public static final String DEFAULT_PRINCIPAL_CLAIM = "sub";
    /** HS256 keys shorter than the hash are refused by the JWT library too (RFC 7518 3.2). */
    public static final int MIN_SECRET_BYTES = 32;

    /** A kind of credential the gateway accepts. */
    public enum Mode { KEYS, JWT }

    public AuthConfig {
        modes = modes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(modes));
    }

    /** No authentication: allowed only on loopback. */
    public static AuthConfig none() {
        return new AuthConfig(Set.of(), null, null, null, null, null, Duration.ofSeconds(DEFAULT_CLOCK_SKEW_S),
                DEFAULT_PRINCIPAL_CLAIM, null);
    }

    public boolean enabled() {
        return !modes.isEmpty();
    }

    public boolean accepts(Mode mode) {
        return modes.contains(mode);
    }

    /** Reads the settings; problems go to {@code env}'s error list ({@link Env#validate()} names them all). */
    public static AuthConfig fromEnvironment(Env env) {
        String modeText = env.string(MODE, DEFAULT_MODE).toLowerCase(Locale.ROOT);
        Set<Mode> modes = EnumSet.noneOf(Mode.class);
        if (!modeText.equals("none")) {
            for (String part : modeText.split(",")) {
                switch (part.trim()) {
                    case "keys" -> modes.add(Mode.KEYS);
                    case "jwt" -> modes.add(Mode.JWT);
                    default -> env.error(MODE + "=" + modeText + ": must be keys, jwt, keys,jwt or none");
                }
            }
        }
        String secret = blankToNull(env.string(JWT_SECRET, ""));
        String file = blankToNull(env.string(JWT_JWKS_FILE, ""));
        String url = blankToNull(env.string(JWT_JWKS_URL, ""));
        String issuer = blankToNull(env.string(JWT_ISSUER, ""));
        String audience = blankToNull(env.string(JWT_AUDIENCE, ""));
        int skew = env.integer(JWT_CLOCK_SKEW_S, DEFAULT_CLOCK_SKEW_S, 0, 600);
        String claim = env.string(JWT_PRINCIPAL_CLAIM, DEFAULT_PRINCIPAL_CLAIM);
        String streamSecret = blankToNull(env.string(STREAM_TOKEN_SECRET, ""));
        if (modes.contains(Mode.JWT)) {
            if (secret == null && file == null && url == null) {
                env.error(MODE + " includes jwt but none of " + JWT_SECRET + ", " + JWT_JWKS_FILE + " or "
                        + JWT_JWKS_URL + " is set: no JWT could ever be verified");
            }
            if (issuer == null || audience == null) {
                env.error(MODE + " includes jwt: set " + JWT_ISSUER + " and " + JWT_AUDIENCE
                        + " (a token of another issuer or for another service must not be accepted)");
            }
            if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                env.error(JWT_SECRET + " must be at least " + MIN_SECRET_BYTES + " bytes (HS256)");
            }
            if (file != null && !Files.isReadable(Path.of(file))) {
                env.error(JWT_JWKS_FILE + "=" + file + ": no such readable file");
            }
        }
        if (streamSecret != null && streamSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            env.error(STREAM_TOKEN_SECRET + " must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        String bindHost = env.bindHost();
        if (modeText.equals("none") && !isLoopback(bindHost)) {
            env.error(MODE + "=none is only allowed when every listener is on loopback, but " + Env.BIND_HOST + "="
                    + bindHost + ": set " + MODE + "=keys (or jwt) to listen there");
        }
        return new AuthConfig(modes, secret, file == null ? null : Path.of(file), url, issuer, audience,
                Duration.ofSeconds(skew), claim, streamSecret);
    }

    /** Whether {@code host} only listens on this machine (a name is resolved; 0.0.0.0 is not loopback). */
    public static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
