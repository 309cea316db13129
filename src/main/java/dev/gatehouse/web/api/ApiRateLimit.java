package dev.gatehouse.web.api;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.system.RateLimits;
import dev.gatehouse.web.TooManyRequests;

/**
 * At most {@link ApiProperties#requestsPerMinute} requests per API client and minute, counted in the database's rate
 * counters ({@link RateLimits}) so every node shares the budget; over it, 429 {@code rate-limited} with
 * {@code Retry-After} (whole seconds, rounded up, until the window ends). Runs after authentication, so only a
 * client with a valid token spends its own budget; a refused request counts nowhere.
 */
class ApiRateLimit extends OncePerRequestFilter {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final RateLimits limits;
    private final ApiProperties properties;
    private final Clock clock;

    ApiRateLimit(RateLimits limits, ApiProperties properties, Clock clock) {
        this.limits = limits;
        this.properties = properties;
        this.clock = clock;
    }

    /** The limit of one client (a long client id is hashed to fit the counter's scope). */
    static RateLimits.Limit limitOf(String clientId, int perMinute) {
        String subject = clientId.length() <= 60 ? clientId : Tokens.sha256(clientId).substring(0, 40);
        return new RateLimits.Limit("api:" + subject + "/" + WINDOW, WINDOW, perMinute);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken token) {
            Instant now = clock.instant();
            Optional<Instant> until = limits.take(List.of(limitOf(token.getName(), properties.requestsPerMinute())),
                    now);
            if (until.isPresent()) {
                ProblemResponses.write(request, response,
                        ApiProblem.rateLimited(TooManyRequests.secondsUntil(now, until.get())));
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
