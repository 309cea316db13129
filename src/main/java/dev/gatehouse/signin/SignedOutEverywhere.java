package dev.gatehouse.signin;

import java.util.UUID;

/**
 * The user ended every session of theirs ("Sign out everywhere"); published after their sessions and trusted devices
 * are gone, so that what else stands for a sign-in (an application's refresh tokens) ends too.
 */
public record SignedOutEverywhere(UUID userId) {
}
