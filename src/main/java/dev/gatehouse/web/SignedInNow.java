package dev.gatehouse.web;

import java.util.Optional;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.gatehouse.signin.SignedInUser;

/** The user the request being answered is signed in as, read from Spring Security's context. */
final class SignedInNow {

    private SignedInNow() {
    }

    /** The signed-in user; empty for a browser signed out, or waiting for its second step. */
    static Optional<SignedInUser> user() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof SignedInUser user
                ? Optional.of(user) : Optional.empty();
    }
}
