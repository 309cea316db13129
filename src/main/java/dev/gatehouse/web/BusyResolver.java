package dev.gatehouse.web;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

import dev.gatehouse.user.HashingBusy;

/**
 * A request refused because this node is hashing passwords at its limit ({@link HashingBusy}): 503 with
 * {@code Retry-After} and a page that says to try again in a few seconds. Nothing was done, so sending the form again
 * is safe. Logged at debug only: the refusals are counted ({@code gatehouse.password.busy}), and a flood must not
 * flood the log as well.
 */
@Component
class BusyResolver implements HandlerExceptionResolver, Ordered {

    private static final Logger log = LoggerFactory.getLogger(BusyResolver.class);

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception ex) {
        if (!(ex instanceof HashingBusy)) {
            return null;
        }
        log.debug("Refused {} {}: password hashing at its limit", request.getMethod(),
                UnexpectedErrorResolver.route(request));
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", String.valueOf(HashingBusy.RETRY_AFTER.toSeconds()));
        return new ModelAndView("busy", Map.of("status", 503));
    }

    /** Before {@link UnexpectedErrorResolver}, which would call it an error. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }
}
