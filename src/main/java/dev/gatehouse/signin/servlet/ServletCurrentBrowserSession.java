package dev.gatehouse.signin.servlet;

import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.CurrentBrowserSession;

/** The servlet request bound to this thread by Spring MVC, as a {@link BrowserSession}. */
@Component
class ServletCurrentBrowserSession implements CurrentBrowserSession {

    @Override
    public Optional<BrowserSession> get() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            return Optional.of(ServletBrowserSession.of(attributes.getRequest(), attributes.getResponse()));
        }
        return Optional.empty();
    }
}
