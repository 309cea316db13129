package dev.gatehouse.web.oidc;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
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
 * What an application posts to the endpoints where it authenticates (token, introspection, revocation, and the
 * pushed-authorization and device endpoints Spring's client authentication also covers) is refused with
 * {@code invalid_request} before Spring reads it, when:
 * <ul>
 * <li>a parameter is given more than once (RFC 6749 section 3.2: they must not be; {@code resource} excepted, which
 * RFC 8707 lets repeat). Spring's client authentication reads {@code code} and {@code code_verifier} as single values
 * before its own converters refuse repeats: given twice, they made it fail with a 500 and a stack trace in the log, a
 * repeated {@code code} with nothing but a public client's id (outside attacks, stop 33);</li>
 * <li>a PKCE {@code code_verifier} is not as RFC 7636 section 4.1 writes it: 43 to 128 characters of
 * {@code A-Z a-z 0-9 - . _ ~}. Spring compares the verifier's hash with the challenge and nothing more, so a client
 * that made a three-character verifier got tokens with it (noticed in stop 32), and a code it lost could be exchanged
 * by whoever tried the few hundred thousand such verifiers within the code's life (a wrong verifier does not use the
 * code up). Checked before client authentication, where Spring compares it, so every malformed verifier gets the same
 * answer whether it matches or not, and nothing is read from the database for it.</li>
 * </ul>
 */
final class WellFormedClientRequests extends OncePerRequestFilter {

    /** RFC 7636 section 4.1: {@code code-verifier = 43*128unreserved}. */
    static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    /** RFC 8707: a token request may name several resources. */
    private static final String MAY_REPEAT = "resource";

    private final Set<String> endpoints;
    private final OAuth2ErrorHttpMessageConverter json = new OAuth2ErrorHttpMessageConverter();

    WellFormedClientRequests(Set<String> endpoints) {
        this.endpoints = Set.copyOf(endpoints);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !HttpMethod.POST.matches(request.getMethod()) || !endpoints.contains(request.getServletPath());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            if (parameter.getValue().length > 1 && !MAY_REPEAT.equals(parameter.getKey())) {
                refuse(response, "A parameter was given more than once (RFC 6749 section 3.2).");
                return;
            }
        }
        String verifier = request.getParameter(PkceParameterNames.CODE_VERIFIER);
        if (verifier != null && !VERIFIER.matcher(verifier).matches()) {
            refuse(response, "code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'"
                    + " (RFC 7636 section 4.1).");
            return;
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletResponse response, String description) throws IOException {
        ServletServerHttpResponse http = new ServletServerHttpResponse(response);
        http.setStatusCode(HttpStatus.BAD_REQUEST);
        http.getHeaders().setCacheControl("no-store");
        json.write(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, description, null), null, http);
    }
}
