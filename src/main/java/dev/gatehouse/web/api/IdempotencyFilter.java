package dev.gatehouse.web.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import dev.gatehouse.oidc.AccountClients;
import dev.gatehouse.web.BodyLimit;

/**
 * {@code Idempotency-Key} on every API POST (docs/api.md): the first request with a key runs and its answer is kept
 * ({@link IdempotencyKeys}); the same request again (same client, key, path and body, byte for byte) gets that answer
 * again with {@code Idempotent-Replayed: true} and changes nothing (while its client is still registered and its
 * registrant still manages the account: else 401 or 403, as on any other call); the key with another request is 422
 * {@code idempotency-key-reused}; while the first still runs, 409 {@code conflict}. Only answers that a retry would
 * get again are kept: successes and invalid requests (2xx, 400, 422); after any other (a refused token, a rate limit,
 * a server error) the key is released so that the retry runs.
 */
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    static final int KEY_MAX = 255;
    /** The largest body a POST with a key may have (it is read whole to compare it with the first request's): the limit of every body, BodyLimit's. */
    static final int BODY_MAX = BodyLimit.MAX;

    private final IdempotencyKeys keys;
    private final ObjectProvider<AccountClients> clients;
    private final ObjectProvider<ApiActor> actors;

    IdempotencyFilter(IdempotencyKeys keys, ObjectProvider<AccountClients> clients, ObjectProvider<ApiActor> actors) {
        this.keys = keys;
        this.clients = clients;
        this.actors = actors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (key == null || !"POST".equals(request.getMethod())
                || !(SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken token)) {
            chain.doFilter(request, response);
            return;
        }
        if (key.isEmpty() || key.length() > KEY_MAX || !key.chars().allMatch(c -> c > ' ' && c < 127)) {
            ProblemResponses.write(request, response, ApiProblem.invalid(HEADER,
                    "Use 1 to " + KEY_MAX + " visible ASCII characters, e.g. a UUID."));
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readNBytes(BODY_MAX + 1);
        } catch (BodyLimit.TooLarge past) {
            body = null;
        }
        if (body == null || body.length > BODY_MAX) {
            ProblemResponses.write(request, response, ApiProblem.tooLarge());
            return;
        }
        String client = token.getName();
        IdempotencyKeys.Claim claim = keys.claim(client, key, hash(request, body));
        if (claim instanceof IdempotencyKeys.Claim.Replay replay) {
            // A kept answer goes only to a client that may still make such a change: not to a removed client's token,
            // which ApiAccess refuses on every other call, nor to one whose registrant no longer manages the account,
            // which ApiActor refuses (the answer may hold a new application's secret). Scopes are the client's own:
            // a token of the same client with fewer could be swapped for one with more, so they are not asked again.
            Optional<ApiCaller> caller = ApiCaller.of(token);
            if (caller.isEmpty() || !Optional.of(caller.get().accountId()).equals(
                    clients.getObject().accountOfService(token.getName(), caller.get().secretVersion()))) {
                ProblemResponses.write(request, response, ApiProblem.unauthorized(
                        "This token's client is no longer registered, or its secret was replaced."));
                return;
            }
            try {
                actors.getObject().of(caller.get());
            } catch (ApiProblem refused) {
                ProblemResponses.write(request, response, refused);
                return;
            }
            IdempotencyKeys.Answer answer = replay.answer();
            response.setStatus(answer.status());
            response.setHeader(REPLAYED, "true");
            if (answer.location() != null) {
                response.setHeader(HttpHeaders.LOCATION, answer.location());
            }
            if (answer.contentType() != null) {
                response.setContentType(answer.contentType());
            }
            if (answer.body() != null) {
                response.getOutputStream().write(answer.body().getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        if (claim instanceof IdempotencyKeys.Claim.Reused) {
            ProblemResponses.write(request, response, new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT,
                    "idempotency-key-reused", "Idempotency key reused",
                    "This Idempotency-Key was used for another request; use a new key for a new request."));
            return;
        }
        if (claim instanceof IdempotencyKeys.Claim.Running) {
            ProblemResponses.write(request, response, ApiProblem.conflict(
                    "A request with this Idempotency-Key is still running; retry in a moment."));
            return;
        }
        ContentCachingResponseWrapper captured = new ContentCachingResponseWrapper(response);
        boolean kept = false;
        try {
            chain.doFilter(new BodyRequest(request, body), captured);
            int status = captured.getStatus();
            if ((status >= 200 && status < 300) || status == 400 || status == 422) {
                keys.finish(client, key, new IdempotencyKeys.Answer(status, captured.getContentType(),
                        captured.getHeader(HttpHeaders.LOCATION),
                        new String(captured.getContentAsByteArray(), StandardCharsets.UTF_8)));
                kept = true;
            }
        } finally {
            if (!kept) {
                keys.release(client, key);
            }
            captured.copyBodyToResponse();
        }
    }

    /** What makes two requests "the same": method, path, query and body. */
    static String hash(HttpServletRequest request, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((request.getMethod() + " " + request.getRequestURI() + "?"
                    + (request.getQueryString() == null ? "" : request.getQueryString()) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            digest.update(body);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request with its body read once already. */
    private static final class BodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                    getCharacterEncoding() == null ? StandardCharsets.UTF_8
                            : java.nio.charset.Charset.forName(getCharacterEncoding())));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
