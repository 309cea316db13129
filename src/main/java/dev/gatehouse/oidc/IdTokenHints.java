package dev.gatehouse.oidc;

import java.text.ParseException;
import java.util.UUID;

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

    /** Whether {@code hint} is a token this server signed whose subject is {@code userId}. */
    public boolean names(String hint, UUID userId) {
        JWTClaimsSet claims = signed(hint);
        return claims != null && userId.toString().equals(claims.getSubject());
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
