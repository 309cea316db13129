package dev.gatehouse.signin;

import java.util.Objects;
import java.util.UUID;

/**
 * One session of the user was signed out from another (Sessions &gt; Sign out, or an administrator through the API);
 * published once its sign-in is recorded as ended, so that what else stands for that sign-in (what applications were
 * granted in it) goes too.
 *
 * @param signIn the ended sign-in ({@link SignedInUser#signIn()})
 */
public record SignInEnded(UUID userId, String signIn) {

    public SignInEnded {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(signIn, "signIn");
    }
}
