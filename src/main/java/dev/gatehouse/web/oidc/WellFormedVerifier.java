package dev.gatehouse.web.oidc;

import java.io.IOException;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A token request with a PKCE verifier takes one as RFC 7636 section 4.1 writes it: 43 to 128 characters of
 * {@code A-Z a-z 0-9 - . _ ~}, given once. Spring's endpoint compares the verifier's hash with the challenge and
 * nothing more, so a client that made a three-character verifier got tokens with it (noticed in stop 32), and a code
 * it lost could be exchanged by whoever tried the few hundred thousand such verifiers within the code's life (a wrong
 * verifier does not use the code up). A verifier given twice reached Spring's comparison as a list and answered 500
 * with a stack trace in the log (found by an outside attack in stop 33). Checked before client authentication, where
 * Spring compares the verifier, so every verifier of another shape gets the same {@code invalid_request}, whether it
 * matches or not, and nothing is read from the database for it; the code stays as it was.
 */
final class WellFormedVerifier extends OncePerRequestFilter {

    /** RFC 7636 section 4.1: {@code code-verifier = 43*128unreserved}. */
    static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    private final String tokenEndpoint;
    private final OAuth2ErrorHttpMessageConverter json = new OAuth2ErrorHttpMessageConverter();

    WellFormedVerifier(String tokenEndpoint) {
        this.tokenEndpoint = tokenEndpoint;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !HttpMethod.POST.matches(request.getMethod()) || !tokenEndpoint.equals(request.getServletPath());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String[] verifiers = request.getParameterValues(PkceParameterNames.CODE_VERIFIER);
        if (verifiers != null && (verifiers.length != 1 || !VERIFIER.matcher(verifiers[0]).matches())) {
            ServletServerHttpResponse http = new ServletServerHttpResponse(response);
            http.setStatusCode(HttpStatus.BAD_REQUEST);
            http.getHeaders().setCacheControl("no-store");
            json.write(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, "code_verifier must be given once, 43 to 128"
                    + " characters of A-Z, a-z, 0-9, '-', '.', '_' and '~' (RFC 7636 section 4.1).", null), null, http);
            return;
        }
        chain.doFilter(request, response);
    }
}
