package dev.gatehouse.signin;

import java.util.Objects;
import java.util.UUID;

/**
 * One sign-in of the user ended on its own: signed out from another session (Sessions &gt; Sign out, or an
 * administrator through the API) or from its own browser ("Sign out", or an application's sign-out); published once it
 * is recorded as ended, so that what else stands for that sign-in (what applications were granted in it) goes too.
 *
 * @param signIn the ended sign-in ({@link SignedInUser#signIn()})
 */
public record SignInEnded(UUID userId, String signIn) {

    public SignInEnded {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(signIn, "signIn");
    }
}
