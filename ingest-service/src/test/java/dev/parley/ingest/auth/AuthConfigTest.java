package dev.parley.ingest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.IngestConfig;
import dev.parley.schemas.config.Env;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The authentication settings")
class AuthConfigTest {

    private static final String SECRET = "a-shared-test-secret-of-32-bytes-or-more";

    @Test
    @DisplayName("a gateway authenticates with API keys unless told otherwise")
    void defaultsToKeys() {
        AuthConfig auth = IngestConfig.fromEnvironment(new Env(Map.of())).auth();
        assertEquals(Set.of(AuthConfig.Mode.KEYS), auth.modes());
    }

    @Test
    @DisplayName("none is allowed on loopback and refused on any other address, with one clear line")
    void noneOnlyOnLoopback() {
        assertFalse(IngestConfig.fromEnvironment(new Env(Map.of("PARLEY_AUTH", "none"))).auth().enabled());
        assertFalse(IngestConfig.fromEnvironment(new Env(Map.of("PARLEY_AUTH", "none", "PARLEY_BIND_HOST", "::1")))
                .auth().enabled());
        for (String host : new String[] {"0.0.0.0", "192.0.2.1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IngestConfig
                    .fromEnvironment(new Env(Map.of("PARLEY_AUTH", "none", "PARLEY_BIND_HOST", host))));
            assertTrue(e.getMessage().contains("PARLEY_AUTH=none is only allowed when every listener is on loopback")
                    && e.getMessage().contains(host), e.getMessage());
        }
        assertTrue(IngestConfig.fromEnvironment(new Env(Map.of("PARLEY_BIND_HOST", "0.0.0.0"))).auth().enabled());
    }

    @Test
    @DisplayName("jwt without a secret or JWKS, without issuer and audience, or with a short secret does not start")
    void jwtNeedsCredentials() {
        assertRefused(Map.of("PARLEY_AUTH", "jwt", "PARLEY_JWT_ISSUER", "i", "PARLEY_JWT_AUDIENCE", "a"),
                "none of PARLEY_JWT_SECRET, PARLEY_JWT_JWKS_FILE or PARLEY_JWT_JWKS_URL is set");
        assertRefused(Map.of("PARLEY_AUTH", "keys,jwt", "PARLEY_JWT_SECRET", SECRET),
                "set PARLEY_JWT_ISSUER and PARLEY_JWT_AUDIENCE");
        assertRefused(Map.of("PARLEY_AUTH", "jwt", "PARLEY_JWT_SECRET", "short", "PARLEY_JWT_ISSUER", "i",
                "PARLEY_JWT_AUDIENCE", "a"), "PARLEY_JWT_SECRET must be at least 32 bytes");
        assertRefused(Map.of("PARLEY_AUTH", "jwt", "PARLEY_JWT_JWKS_FILE", "/no/such/jwks.json",
                "PARLEY_JWT_ISSUER", "i", "PARLEY_JWT_AUDIENCE", "a"), "no such readable file");
        assertRefused(Map.of("PARLEY_AUTH", "passwords"), "must be keys, jwt, keys,jwt or none");
        assertRefused(Map.of("PARLEY_STREAM_TOKEN_SECRET", "short"), "PARLEY_STREAM_TOKEN_SECRET must be at least");
        AuthConfig jwt = IngestConfig.fromEnvironment(new Env(Map.of("PARLEY_AUTH", "jwt,keys",
                "PARLEY_JWT_SECRET", SECRET, "PARLEY_JWT_ISSUER", "i", "PARLEY_JWT_AUDIENCE", "a"))).auth();
        assertEquals(Set.of(AuthConfig.Mode.KEYS, AuthConfig.Mode.JWT), jwt.modes());
        assertEquals(60, jwt.jwtClockSkew().toSeconds());
        assertEquals("sub", jwt.jwtPrincipalClaim());
    }

    private static void assertRefused(Map<String, String> env, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IngestConfig.fromEnvironment(new Env(env)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
