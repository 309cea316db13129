package dev.gatehouse.factor;

/** Why a code is sent; part of the challenge a code is bound to, so a code for one purpose never passes another. */
public enum CodePurpose {
    /** The second step of a sign-in; the attempt is the sign-in attempt. */
    SIGN_IN,
    /** "Confirm it's you" before a security change; the attempt is that re-confirmation. */
    RECONFIRM,
    /** Proving a new address or number while turning the method on or changing where codes go. */
    SETUP
}
