package dev.gatehouse.oidc;

import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.stereotype.Component;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * The {@code id_token_hint} of an authorization request: an ID token this server issued, naming the user the
 * application believes is signed in. Only its signature is checked, by the published keys: an expired one still names
 * its user (applications send the last one they got, OpenID Connect Core section 3.1.2.1).
 */
@Component
public class IdTokenHints {

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    IdTokenHints(JWKSource<SecurityContext> keys) {
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
    }

    /**
     * Whether {@code hint} is an ID token this server signed whose subject is {@code userId}: an ID token names the
     * application it was issued to ({@code azp}), an access token of the same user does not (it was taken as a hint
     * too until stop 33).
     */
    public boolean names(String hint, UUID userId) {
        JWTClaimsSet claims = signed(hint);
        return claims != null && claims.getClaim(IdTokenClaimNames.AZP) instanceof String
                && userId.toString().equals(claims.getSubject());
    }

    /**
     * {@code hint} as an ID token this server signed (expired or not; it names the application it was issued to,
     * {@code azp}), whether or not any authorization still holds it; empty for anything else.
     */
    public Optional<OidcIdToken> idToken(String hint) {
        JWTClaimsSet claims = signed(hint);
        if (claims == null || claims.getSubject() == null || claims.getIssueTime() == null
                || claims.getExpirationTime() == null
                || !(claims.getClaim(IdTokenClaimNames.AZP) instanceof String client)) {
            return Optional.empty();
        }
        Map<String, Object> read = new HashMap<>();
        read.put(IdTokenClaimNames.SUB, claims.getSubject());
        read.put(IdTokenClaimNames.AZP, client);
        read.put(IdTokenClaimNames.AUD, claims.getAudience());
        if (claims.getIssuer() != null) {
            read.put(IdTokenClaimNames.ISS, claims.getIssuer());
        }
        try {
            if (claims.getDateClaim(IdTokenClaimNames.AUTH_TIME) != null) {
                read.put(IdTokenClaimNames.AUTH_TIME, claims.getDateClaim(IdTokenClaimNames.AUTH_TIME).toInstant());
            }
        } catch (ParseException notADate) {
            // left out: the token is still ours, only its sign-in time is unknown
        }
        return Optional.of(new OidcIdToken(hint, claims.getIssueTime().toInstant(),
                claims.getExpirationTime().toInstant(), read));
    }

    /** The claims of {@code token} when this server signed it (expired or not), else null. */
    JWTClaimsSet signed(String token) {
        try {
            return token == null ? null : processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException notOurs) {
            return null;
        }
    }
}
