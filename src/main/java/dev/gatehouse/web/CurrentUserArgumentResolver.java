package dev.gatehouse.web;

import org.springframework.core.MethodParameter;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/** Resolves {@link CurrentUser} parameters from the session's {@link SignedInUser}. */
@Component
class CurrentUserArgumentResolver implements HandlerMethodArgumentResolver {

    private final UserService users;

    CurrentUserArgumentResolver(UserService users) {
        this.users = users;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.hasParameterAnnotation(CurrentUser.class) && parameter.getParameterType() == User.class;
    }

    @Override
    public User resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
                                WebDataBinderFactory binderFactory) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof SignedInUser me)) {
            // Only reachable if a page needing a user were made public: a bug, never a state a user can cause.
            throw new AuthenticationCredentialsNotFoundException("no signed-in user for @CurrentUser");
        }
        // A signed-in user whose row is gone (deleted meanwhile) is a bug in the deletion, not a user's mistake.
        return users.findById(me.userId()).orElseThrow();
    }
}
