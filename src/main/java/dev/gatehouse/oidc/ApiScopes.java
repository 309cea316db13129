package dev.gatehouse.oidc;

import java.util.List;

/**
 * The scopes of the REST API (docs/api.md): what a service client registered on an account's Applications page may
 * be given, and what each API handler requires. A token carries the scopes its client asked for, never more than the
 * client was registered with (the token endpoint refuses more with {@code invalid_scope}).
 */
public final class ApiScopes {

    /** Read the account, its users and their two-step verification, devices and sessions. */
    public static final String USERS_READ = "users:read";
    /** Invite, update, remove users, change roles, reset two-step verification, revoke devices and sessions. */
    public static final String USERS_WRITE = "users:write";
    /** The account's sign-in rules and conditions. */
    public static final String ACCOUNTS_ADMIN = "accounts:admin";
    /** The account's audit events. */
    public static final String AUDIT_READ = "audit:read";

    /** Every API scope, in the order the Applications page lists them. */
    public static final List<String> ALL = List.of(USERS_READ, USERS_WRITE, ACCOUNTS_ADMIN, AUDIT_READ);

    /** The claim of an API access token naming the account its client was registered for (a UUID string). */
    public static final String ACCOUNT_CLAIM = "account_id";

    /**
     * The claim of an API access token naming the client secret it was obtained with, as a version
     * ({@link AccountClients#secretVersion}): a token obtained before "New secret" stops working at once.
     */
    public static final String SECRET_CLAIM = "secret_version";

    private ApiScopes() {
    }
}
