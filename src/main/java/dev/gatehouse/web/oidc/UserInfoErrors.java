package dev.gatehouse.web.oidc;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * The UserInfo endpoint's refusals as a protected resource gives them (RFC 6750 section 3): the status Spring gives
 * (401 for a token that is not honoured, 403 for a missing scope, else 400) and its JSON error, plus the
 * {@code WWW-Authenticate: Bearer error="..."} header it left out, which tells a client to get a new token rather
 * than retry. Without a description: why a token is no longer honoured is not the client's to know.
 */
final class UserInfoErrors implements AuthenticationFailureHandler, AuthenticationEntryPoint {

    private final OAuth2ErrorHttpMessageConverter json = new OAuth2ErrorHttpMessageConverter();

    /**
     * The bearer token filter's refusals (a token that is malformed, badly signed or expired) in the same shape, without
     * the JWT library's wording; a request without any token gets {@code WWW-Authenticate: Bearer} alone, as RFC 6750
     * section 3.1 asks (no error code when no credentials were sent).
     */
    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        if (exception instanceof OAuth2AuthenticationException) {
            onAuthenticationFailure(request, response, exception);
        } else {
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                        AuthenticationException exception) throws IOException {
        OAuth2Error error = exception instanceof OAuth2AuthenticationException oauth ? oauth.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN);
        HttpStatus status = switch (error.getErrorCode()) {
            case OAuth2ErrorCodes.INVALID_TOKEN -> HttpStatus.UNAUTHORIZED;
            case OAuth2ErrorCodes.INSUFFICIENT_SCOPE -> HttpStatus.FORBIDDEN;
            default -> HttpStatus.BAD_REQUEST;
        };
        OAuth2Error answer = new OAuth2Error(error.getErrorCode());
        ServletServerHttpResponse http = new ServletServerHttpResponse(response);
        http.setStatusCode(status);
        http.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"" + answer.getErrorCode() + "\"");
        json.write(answer, null, http);
    }
}
