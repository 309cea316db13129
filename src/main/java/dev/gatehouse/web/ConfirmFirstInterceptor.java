package dev.gatehouse.web;

import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.UriComponentsBuilder;

import dev.gatehouse.signin.SignInService.Reconfirm;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.signin.servlet.ServletBrowserSession;

/** Sends a session that has not re-confirmed lately away from a {@link ConfirmFirst} handler, before it runs. */
@Component
class ConfirmFirstInterceptor implements HandlerInterceptor {

    private final SignInService signIn;

    ConfirmFirstInterceptor(SignInService signIn) {
        this.signIn = signIn;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        if (!(handler instanceof HandlerMethod method) || !method.hasMethodAnnotation(ConfirmFirst.class)) {
            return true;
        }
        Optional<SignedInUser> signedIn = SignedInNow.user();
        if (signedIn.isEmpty()) {
            return true; // the security rules already send a signed-out browser to sign in
        }
        SignedInUser me = signedIn.get();
        ConfirmFirst rule = method.getMethodAnnotation(ConfirmFirst.class);
        Reconfirm needed = signIn.reconfirmationNeeded(me, ServletBrowserSession.of(request, response));
        boolean go = rule.passwordInForm() ? needed != Reconfirm.PASSWORD_AND_CODE : needed == Reconfirm.NOTHING;
        if (go) {
            return true;
        }
        response.sendRedirect(request.getContextPath() + ReconfirmLinks.confirmLink(next(rule, request)));
        return false;
    }

    private static String next(ConfirmFirst rule, HttpServletRequest request) {
        if (rule.next().isEmpty()) {
            return request.getRequestURI().substring(request.getContextPath().length());
        }
        @SuppressWarnings("unchecked")
        Map<String, String> variables = (Map<String, String>) request
                .getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        return UriComponentsBuilder.fromPath(rule.next()).buildAndExpand(variables == null ? Map.of() : variables)
                .toUriString();
    }
}
