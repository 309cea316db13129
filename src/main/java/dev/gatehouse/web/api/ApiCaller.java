package dev.gatehouse.web.api;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import dev.gatehouse.oidc.ApiScopes;

/**
 * Who calls the API: the service client (the token's subject), the one account its token names, and the scopes the
 * token was issued with. A handler declares a parameter of this type and is given it by {@link ApiCallerResolver};
 * by then {@link ApiAccess} has checked that the client is still registered for that account, that the path's
 * {@code {accountId}} is that account, and that the handler's {@link RequiresScope} is among {@code scopes}.
 *
 * @param clientId  the client id (never null)
 * @param accountId the account the token is limited to (never null)
 * @param scopes    the token's scopes (never null)
 * @param secretVersion the version of the client secret the token was obtained with ({@link ApiScopes#SECRET_CLAIM});
 *                  empty for a token of the release before, which had none
 */
public record ApiCaller(String clientId, UUID accountId, Set<String> scopes, Optional<String> secretVersion) {

    public ApiCaller {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(accountId, "accountId");
        scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes"));
        Objects.requireNonNull(secretVersion, "secretVersion");
    }

    /** How the API's audit events name this caller in their detail (docs/api.md, "Audit"). */
    public String actor() {
        return "api:" + clientId;
    }

    /**
     * The caller of an authenticated API request: a JWT access token with an {@link ApiScopes#ACCOUNT_CLAIM} that is
     * a UUID (only the client credentials tokens of a service registered for an account have one); empty for anything
     * else, such as a user's access token from the authorization code flow.
     */
    static Optional<ApiCaller> of(Authentication authentication) {
        if (!(authentication instanceof JwtAuthenticationToken jwt) || !authentication.isAuthenticated()) {
            return Optional.empty();
        }
        return accountOf(jwt.getToken().getClaims().get(ApiScopes.ACCOUNT_CLAIM)).map(account -> new ApiCaller(
                jwt.getName(), account, jwt.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(a -> a != null && a.startsWith("SCOPE_")).map(a -> a.substring(6))
                .collect(Collectors.toSet()),
                Optional.ofNullable(jwt.getToken().getClaimAsString(ApiScopes.SECRET_CLAIM))));
    }

    static Optional<UUID> accountOf(Object claim) {
        if (!(claim instanceof String text) || text.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }
}
