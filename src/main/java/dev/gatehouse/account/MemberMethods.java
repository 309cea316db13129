package dev.gatehouse.account;

import java.util.List;
import java.util.UUID;

/**
 * What the account layer may know of a member's two-step verification methods: their names (e.g. {@code TOTP}) and
 * how people call them. The registered methods provide it; the account layer names no method.
 */
public interface MemberMethods {

    /** The names of the methods {@code userId} has set up that stand on their own (backup codes do not). */
    List<String> of(UUID userId);

    /** How a method is called on the pages, e.g. "Authenticator app". */
    String displayName(String method);
}
