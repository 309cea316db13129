package dev.gatehouse.web.oidc;

import java.util.regex.Pattern;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationToken;

/**
 * A code exchanged with a PKCE verifier takes one as RFC 7636 section 4.1 writes it: 43 to 128 characters of
 * {@code A-Z a-z 0-9 - . _ ~}. Spring's endpoint compares the verifier's hash with the challenge and nothing more, so
 * a client that made a three-character verifier got tokens with it (noticed in stop 32), and a code it lost could be
 * exchanged by whoever tried the few hundred thousand such verifiers within the code's life. Refused as
 * {@code invalid_request}, saying what a verifier is; the code stays unused.
 */
final class WellFormedVerifier extends InFrontOfSpring {

    /** RFC 7636 section 4.1: {@code code-verifier = 43*128unreserved}. */
    static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    WellFormedVerifier(AuthenticationProvider spring) {
        super(spring);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        Object verifier = authentication instanceof OAuth2AuthorizationCodeAuthenticationToken code
                ? code.getAdditionalParameters().get(PkceParameterNames.CODE_VERIFIER) : null;
        // Given twice, it is a list of values: no verifier either.
        if (verifier != null && !(verifier instanceof String one && VERIFIER.matcher(one).matches())) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                    "code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'"
                            + " (RFC 7636 section 4.1).", null));
        }
        return spring.authenticate(authentication);
    }
}
