package dev.parley.ingest.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * Short-lived tokens for the connections a browser cannot put an Authorization header on (EventSource, WebSocket):
 * a JWT, HS256-signed with the gateways' shared stream-token secret, of type {@value #TYPE}, naming the principal
 * ({@code sub}), the API key it was issued for ({@value #KEY_CLAIM}, so a revoked key's tokens stop working too) and
 * expiring after {@link #LIFETIME}. Accepted only as {@code ?access_token=} on GET stream endpoints: a URL ends up in
 * logs and browser history, so it carries this token, never the key.
 */
public final class StreamTokens {

    public static final String TYPE = "parley-stream+jwt";
    public static final String AUDIENCE = "parley-stream";
    public static final String KEY_CLAIM = "key";
    /** Long enough to open a stream after fetching the token; an open stream is not cut when it expires. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final int CLOCK_SKEW_SECONDS = 5;

    /** A verified token: who it is for, and the API key id it was issued for (null when issued for a JWT). */
    public record Claims(String principal, String keyId) {
    }

    /** A token just issued. */
    public record Issued(String token, Instant expiresAt) {
    }

    private final MACSigner signer;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    public StreamTokens(byte[] secret) {
        try {
            this.signer = new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException(AuthConfig.STREAM_TOKEN_SECRET + ": " + e.getMessage(), e);
        }
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType(TYPE)));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(AUDIENCE,
                null, Set.of("sub", "exp"));
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** 256 random bits: the secret of a gateway that runs alone (its tokens are valid only on it). */
    public static byte[] randomSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    public Issued issue(String principal, String keyId) {
        Instant now = Instant.now();
        Instant expires = now.plus(LIFETIME);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(principal).audience(AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(expires)).claim(KEY_CLAIM, keyId).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType(TYPE)).build(),
                claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a stream token failed", e);
        }
        return new Issued(jwt.serialize(), expires);
    }

    /** The token's claims, or throws {@link AuthException} when it is malformed, tampered with or expired. */
    public Claims verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            return new Claims(claims.getSubject(), claims.getStringClaim(KEY_CLAIM));
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new AuthException("the stream token was refused: " + e.getMessage());
        }
    }
}
