package dev.gatehouse.web;

import org.springframework.core.MethodParameter;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
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
        // Only without a user if a page needing one were made public: a bug, never a state a user can cause.
        SignedInUser me = SignedInNow.user().orElseThrow(
                () -> new AuthenticationCredentialsNotFoundException("no signed-in user for @CurrentUser"));
        // A signed-in user whose row is gone (deleted meanwhile) is a bug in the deletion, not a user's mistake.
        return users.findById(me.userId()).orElseThrow();
    }
}
