package dev.parley.ingest.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies JWTs of an existing identity provider with nimbus-jose-jwt: HS256 with the shared secret, RS256/ES256
 * with the public keys of a JWKS file and/or URL; signature, issuer, audience, expiry (with bounded clock skew) and
 * the principal claim are all required. May block (the first fetch of a JWKS URL): call it off the event loop.
 */
public final class JwtVerifier {

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String principalClaim;

    private JwtVerifier(JWKSource<SecurityContext> keys, Set<JWSAlgorithm> algorithms, AuthConfig config) {
        this.principalClaim = config.jwtPrincipalClaim();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(config.jwtAudience()),
                new JWTClaimsSet.Builder().issuer(config.jwtIssuer()).build(),
                Set.of("exp", principalClaim), null);
        claims.setMaxClockSkew((int) config.jwtClockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The verifier the settings describe; reads the JWKS file now (fails when it cannot be parsed). */
    public static JwtVerifier create(AuthConfig config) {
        List<JWKSource<SecurityContext>> sources = new ArrayList<>();
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        if (config.jwtSecret() != null) {
            sources.add(new ImmutableSecret<>(config.jwtSecret().getBytes(StandardCharsets.UTF_8)));
            algorithms.add(JWSAlgorithm.HS256);
        }
        if (config.jwksFile() != null) {
            try {
                sources.add(new ImmutableJWKSet<>(JWKSet.load(config.jwksFile().toFile())));
            } catch (IOException | ParseException e) {
                throw new IllegalArgumentException(AuthConfig.JWT_JWKS_FILE + "=" + config.jwksFile()
                        + " is not a JWKS file: " + e.getMessage(), e);
            }
            algorithms.addAll(List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256));
        }
        if (config.jwksUrl() != null) {
            try {
                // cached, refreshed ahead of expiry, and retried once; unreachable: only its tokens fail
                sources.add(JWKSourceBuilder.create(URI.create(config.jwksUrl()).toURL()).retrying(true).build());
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(AuthConfig.JWT_JWKS_URL + "=" + config.jwksUrl()
                        + " is not a URL: " + e.getMessage(), e);
            }
            algorithms.addAll(List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256));
        }
        return new JwtVerifier(merged(sources), algorithms, config);
    }

    /**
     * The principal the token names, or throws {@link AuthException} saying why it is refused (bad signature,
     * expired, wrong issuer or audience, no principal claim).
     */
    public String principalOf(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            Object principal = claims.getClaim(principalClaim);
            if (!(principal instanceof String name) || name.isBlank()) {
                throw new AuthException("the token's " + principalClaim + " claim is not a name");
            }
            return name;
        } catch (ParseException e) {
            throw new AuthException("the bearer token is neither an API key nor a JWT");
        } catch (com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException e) {
            throw new AuthException("the JWT was refused: " + e.getMessage());
        }
    }

    /** Every source's matching keys; a failing source (an unreachable JWKS URL) only fails when nothing matched. */
    private static JWKSource<SecurityContext> merged(List<JWKSource<SecurityContext>> sources) {
        return (JWKSelector selector, SecurityContext context) -> {
            List<JWK> keys = new ArrayList<>();
            KeySourceException failure = null;
            for (JWKSource<SecurityContext> source : sources) {
                try {
                    keys.addAll(source.get(selector, context));
                } catch (KeySourceException e) {
                    failure = e;
                }
            }
            if (keys.isEmpty() && failure != null) {
                throw failure;
            }
            return keys;
        };
    }
}
