package dev.gatehouse.oidc;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.gatehouse.account.FieldProblems;
import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.system.Db;
import dev.gatehouse.system.ClientInfo;

/**
 * The applications (OpenID Connect clients) an account's owners register on the account's Applications page: each is
 * a client of Spring Authorization Server's store, tied to its account in {@code account_clients} and looked up within
 * that account only. A confidential client's secret is generated here, returned once, and stored only encoded the way
 * the token endpoint verifies it ({@link ClientSecrets}: {@code {sha256}...}).
 * <p>
 * A <em>service</em> is a client of the REST API rather than of people's sign-in: the {@code client_credentials} grant
 * only, no redirect URIs, and the API scopes ({@link ApiScopes}) its owner ticked. Its access tokens name its account
 * ({@link ApiScopes#ACCOUNT_CLAIM}, added by {@link TokenClaims} from {@link #accountOfStored}).
 */
@Service
public class AccountClients {

    /**
     * At most this many applications and services per account: each multiplies the per-client budgets (requests,
     * tokens) and the Applications page and API list them all; a company has a handful (stop 38's second attack
     * registered 120 through the API with nothing to stop it).
     */
    public static final int MAX_CLIENTS = 50;

    /** At most this many redirect URIs (and as many post-sign-out URIs) per application. */
    public static final int MAX_URIS = 10;
    static final int NAME_MAX = 100;
    /** The store keeps each list comma-joined in a column of 1000 characters. */
    static final int URIS_TOTAL_MAX = 1000;

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final JdbcClient jdbc;
    private final OidcClients clients;
    private final AuditLog audit;
    private final Clock clock;
    private final PasswordEncoder encoder = ClientSecrets.ENCODER;

    AccountClients(JdbcClient jdbc, OidcClients clients, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.clients = clients;
        this.audit = audit;
        this.clock = clock;
    }

    /** One registered application as the page lists it. */
    public record AccountClient(String clientId, String name, boolean confidential, List<String> redirectUris,
                                List<String> postLogoutUris, List<String> scopes, Instant createdAt,
                                boolean service) {
    }

    /**
     * What the owner typed in the registration form. For a {@code service} (API access), {@code confidential} is
     * irrelevant (a service always has a secret), the URIs and {@code email}/{@code profile} are ignored, and
     * {@code apiScopes} are the API scopes ticked; never null.
     */
    public record Registration(String name, String redirectUris, String postLogoutUris, boolean confidential,
                               boolean email, boolean profile, boolean service, Set<String> apiScopes) {
        public Registration {
            apiScopes = apiScopes == null ? Set.of() : Set.copyOf(apiScopes);
        }

        /** An application people sign in to (no API access). */
        public Registration(String name, String redirectUris, String postLogoutUris, boolean confidential,
                            boolean email, boolean profile) {
            this(name, redirectUris, postLogoutUris, confidential, email, profile, false, Set.of());
        }

        /** A service: the REST API with {@code apiScopes}, through the client credentials grant. */
        public static Registration service(String name, Set<String> apiScopes) {
            return new Registration(name, "", "", true, false, false, true, apiScopes);
        }
    }

    public sealed interface Register {
        /** Registered: its client id, and for a confidential client the secret (to show once; null otherwise). */
        record Registered(String clientId, String secret) implements Register {
        }

        record Invalid(FieldProblems problems) implements Register {
        }
    }

    private static final String SELECT = """
            select c.client_id, c.client_name, c.client_secret, c.redirect_uris, c.post_logout_redirect_uris,
                   c.scopes, a.created_at, c.authorization_grant_types
            from account_clients a join oauth2_registered_client c on c.id = a.registered_client_id
            where a.account_id = ?""";

    public List<AccountClient> list(UUID accountId) {
        return jdbc.sql(SELECT + " order by a.created_at, c.client_id").param(accountId)
                .query(AccountClients::row).list();
    }

    public Optional<AccountClient> find(UUID accountId, String clientId) {
        return jdbc.sql(SELECT + " and c.client_id = ?").params(accountId, clientId)
                .query(AccountClients::row).optional();
    }

    private static AccountClient row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new AccountClient(rs.getString(1), rs.getString(2), rs.getString(3) != null, split(rs.getString(4)),
                split(rs.getString(5)), split(rs.getString(6)), Db.instant(rs, "created_at"),
                split(rs.getString(8)).contains(AuthorizationGrantType.CLIENT_CREDENTIALS.getValue()));
    }

    /**
     * The account a client was registered for, by the store's id of the client ({@code RegisteredClient.getId()});
     * empty for a client registered in code.
     */
    public Optional<UUID> accountOfStored(String registeredClientId) {
        return jdbc.sql("select account_id from account_clients where registered_client_id = ?")
                .param(registeredClientId).query(UUID.class).optional();
    }

    /**
     * Whether the user may sign in to the client: a client registered on an account serves that account's members
     * only (it is the account's own application); a client registered in code (by the deployment) serves every user.
     * By the store's id of the client ({@code RegisteredClient.getId()}).
     */
    public boolean servesUser(String registeredClientId, UUID userId) {
        return jdbc.sql("""
                select count(*) from account_clients a where a.registered_client_id = ?
                and not exists (select 1 from memberships m where m.account_id = a.account_id and m.user_id = ?)""")
                .params(registeredClientId, userId).query(Long.class).single() == 0;
    }

    /**
     * Whether a client may learn about another's tokens (introspection): the same client, or two clients registered
     * on the same account. A client registered in code belongs to no account, so only its own tokens are its.
     */
    public boolean sameAccount(String clientId, String otherClientId) {
        if (clientId.equals(otherClientId)) {
            return true;
        }
        return jdbc.sql("""
                select count(*) from account_clients a join oauth2_registered_client c on c.id = a.registered_client_id
                join account_clients b on b.account_id = a.account_id
                join oauth2_registered_client d on d.id = b.registered_client_id
                where c.client_id = ? and d.client_id = ?""")
                .params(clientId, otherClientId).query(Long.class).single() > 0;
    }

    /** Who registered a client of the account (null if that user is gone), and the client's name. */
    public record Registrant(UUID userId, String clientName) {
    }

    public Optional<Registrant> registrant(UUID accountId, String clientId) {
        return jdbc.sql("""
                select a.created_by, c.client_name from account_clients a
                join oauth2_registered_client c on c.id = a.registered_client_id
                where a.account_id = ? and c.client_id = ?""")
                .params(accountId, clientId)
                .query((rs, n) -> new Registrant(rs.getObject(1, UUID.class), rs.getString(2))).optional();
    }

    /**
     * The account a service client (client credentials) is registered for now, by its client id, for a token obtained
     * with the secret of {@code secretVersion} (its {@link ApiScopes#SECRET_CLAIM}): empty once the client was removed
     * or its secret replaced, or for any other client. The REST API asks this on each call, so the tokens of a removed
     * client, or obtained with a secret that may have leaked, stop at once, not when they expire. A token without the
     * claim (made by a node of the release before, during a rolling upgrade) is taken as before; such tokens expire
     * within their lifetime, 10 minutes.
     */
    public Optional<UUID> accountOfService(String clientId, Optional<String> secretVersion) {
        return service(clientId).filter(service -> secretVersion.map(service.secretVersion()::equals).orElse(true))
                .map(Service::accountId);
    }

    private record Service(UUID accountId, String secretVersion) {
    }

    private Optional<Service> service(String clientId) {
        return jdbc.sql("""
                select a.account_id, c.client_secret from account_clients a
                join oauth2_registered_client c on c.id = a.registered_client_id
                where c.client_id = ? and c.authorization_grant_types like '%client_credentials%'""")
                .param(clientId)
                .query((rs, row) -> new Service(rs.getObject(1, UUID.class), secretVersion(rs.getString(2))))
                .optional();
    }

    /**
     * A short name of the client's stored secret (itself a hash of the secret), which changes with "New secret" and
     * tells nothing of it: the first 16 hex digits of SHA-256 over it, with this use's own prefix.
     */
    public static String secretVersion(String storedSecret) {
        return Tokens.sha256("gatehouse client secret version:" + (storedSecret == null ? "" : storedSecret))
                .substring(0, 16);
    }

    @Transactional
    public Register register(UUID accountId, UUID by, Registration form, ClientInfo client) {
        Map<String, String> problems = new LinkedHashMap<>();
        String name = form.name() == null ? "" : form.name().strip();
        if (name.isEmpty()) {
            problems.put("name", "clients.name.required");
        } else if (name.length() > NAME_MAX || name.chars().anyMatch(Character::isISOControl)) {
            problems.put("name", "clients.name.invalid");
        }
        // The account's row held until this transaction ends, so two registrations at once count each other.
        jdbc.sql("select id from accounts where id = ? for update").param(accountId).query(UUID.class).optional();
        if (jdbc.sql("select count(*) from account_clients where account_id = ?").param(accountId)
                .query(Long.class).single() >= MAX_CLIENTS) {
            problems.put("name", "clients.limit");
        }
        if (form.service()) {
            return registerService(accountId, by, name, form.apiScopes(), problems, client);
        }
        List<String> redirects = lines(form.redirectUris());
        uris(redirects, true).ifPresent(key -> problems.put("redirectUris", key));
        List<String> postLogout = lines(form.postLogoutUris());
        uris(postLogout, false).ifPresent(key -> problems.put("postLogoutUris", key));
        if (!problems.isEmpty()) {
            return new Register.Invalid(new FieldProblems(problems));
        }
        String clientId = "gh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(RandomCodes.bytes(16));
        String secret = form.confidential() ? RandomCodes.token() : null;
        RegisteredClient.Builder builder = clients.client(clientId, secret == null ? null : encoder.encode(secret))
                .clientName(name)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .scope("openid");
        if (form.confidential()) {
            builder.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN);
        }
        if (form.email()) {
            builder.scope("email");
        }
        if (form.profile()) {
            builder.scope("profile");
        }
        redirects.forEach(builder::redirectUri);
        postLogout.forEach(builder::postLogoutRedirectUri);
        RegisteredClient registered = builder.build();
        clients.save(registered);
        jdbc.sql("insert into account_clients (registered_client_id, account_id, created_by, created_at) values (?, ?, ?, ?)")
                .params(registered.getId(), accountId, by, Db.ts(clock.instant())).update();
        audit.record(AuditEventType.APPLICATION_REGISTERED, by, accountId, client,
                clientId + (form.confidential() ? " (confidential)" : " (public)"));
        return new Register.Registered(clientId, secret);
    }

    private Register registerService(UUID accountId, UUID by, String name, Set<String> scopes,
                                     Map<String, String> problems, ClientInfo client) {
        if (scopes.isEmpty()) {
            problems.put("apiScopes", "clients.apiScopes.required");
        } else if (!ApiScopes.ALL.containsAll(scopes)) {
            problems.put("apiScopes", "clients.apiScopes.invalid");
        }
        if (!problems.isEmpty()) {
            return new Register.Invalid(new FieldProblems(problems));
        }
        String clientId = "gh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(RandomCodes.bytes(16));
        String secret = RandomCodes.token();
        RegisteredClient.Builder builder = clients.client(clientId, encoder.encode(secret))
                .clientName(name)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS);
        List<String> ordered = ApiScopes.ALL.stream().filter(scopes::contains).toList();
        ordered.forEach(builder::scope);
        RegisteredClient registered = builder.build();
        clients.save(registered);
        jdbc.sql("insert into account_clients (registered_client_id, account_id, created_by, created_at) values (?, ?, ?, ?)")
                .params(registered.getId(), accountId, by, Db.ts(clock.instant())).update();
        audit.record(AuditEventType.APPLICATION_REGISTERED, by, accountId, client,
                clientId + " (service: " + String.join(" ", ordered) + ")");
        return new Register.Registered(clientId, secret);
    }

    /**
     * A new secret for the account's confidential client, the old one stopping at once; empty if none such here. A
     * secret is replaced because it may have leaked, so whatever was obtained with it goes too: every authorization
     * the client holds (codes, access and refresh tokens); its users sign in to it again.
     */
    @Transactional
    public Optional<String> newSecret(UUID accountId, UUID by, String clientId, ClientInfo client) {
        Optional<Stored> stored = stored(accountId, clientId).filter(Stored::confidential);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        String secret = RandomCodes.token();
        jdbc.sql("update oauth2_registered_client set client_secret = ? where id = ?")
                .params(encoder.encode(secret), stored.get().id()).update();
        jdbc.sql("delete from oauth2_authorization where registered_client_id = ?").param(stored.get().id()).update();
        audit.record(AuditEventType.APPLICATION_SECRET_REPLACED, by, accountId, client, clientId);
        return Optional.of(secret);
    }

    /** The outcome of changing an application's URIs. */
    public sealed interface Change {
        record Changed() implements Change {
        }

        record Invalid(FieldProblems problems) implements Change {
        }

        /** No such client in this account (another account's is not found either). */
        record NotFound() implements Change {
        }
    }

    /**
     * Replaces the redirect URIs and the post-sign-out URIs of the account's client, checked as at registration. Codes
     * issued and not yet exchanged go (one may have been sent to a URI just removed); tokens already issued stay.
     */
    @Transactional
    public Change changeUris(UUID accountId, UUID by, String clientId, String redirectUris, String postLogoutUris,
                             ClientInfo client) {
        Optional<Stored> stored = stored(accountId, clientId);
        if (stored.isEmpty()) {
            return new Change.NotFound();
        }
        Map<String, String> problems = new LinkedHashMap<>();
        List<String> redirects = lines(redirectUris);
        uris(redirects, true).ifPresent(key -> problems.put("redirectUris", key));
        List<String> postLogout = lines(postLogoutUris);
        uris(postLogout, false).ifPresent(key -> problems.put("postLogoutUris", key));
        if (!problems.isEmpty()) {
            return new Change.Invalid(new FieldProblems(problems));
        }
        // The store's own format: each list comma-joined (a URI never holds a comma here, see uri()).
        jdbc.sql("update oauth2_registered_client set redirect_uris = ?, post_logout_redirect_uris = ? where id = ?")
                .params(String.join(",", redirects), postLogout.isEmpty() ? null : String.join(",", postLogout),
                        stored.get().id())
                .update();
        jdbc.sql("""
                delete from oauth2_authorization where registered_client_id = ?
                and authorization_code_value is not null and access_token_value is null""")
                .param(stored.get().id()).update();
        audit.record(AuditEventType.APPLICATION_URIS_CHANGED, by, accountId, client, clientId);
        return new Change.Changed();
    }

    /** Removes the account's client and every authorization it holds (its tokens stop working); false if none here. */
    @Transactional
    public boolean remove(UUID accountId, UUID by, String clientId, ClientInfo client) {
        Optional<String> id = stored(accountId, clientId).map(Stored::id);
        if (id.isEmpty()) {
            return false;
        }
        jdbc.sql("delete from oauth2_authorization where registered_client_id = ?").param(id.get()).update();
        jdbc.sql("delete from oauth2_authorization_consent where registered_client_id = ?").param(id.get()).update();
        jdbc.sql("delete from account_clients where registered_client_id = ?").param(id.get()).update();
        jdbc.sql("delete from oauth2_registered_client where id = ?").param(id.get()).update();
        audit.record(AuditEventType.APPLICATION_REMOVED, by, accountId, client, clientId);
        return true;
    }

    /** The store's id of the account's client, and whether it has a secret; the row locked until commit. */
    private record Stored(String id, boolean confidential) {
    }

    private Optional<Stored> stored(UUID accountId, String clientId) {
        if (clientId == null || clientId.isBlank()) {
            return Optional.empty();
        }
        return jdbc.sql("""
                select c.id, c.client_secret from account_clients a
                join oauth2_registered_client c on c.id = a.registered_client_id
                where a.account_id = ? and c.client_id = ? for update""")
                .params(accountId, clientId)
                .query((rs, n) -> new Stored(rs.getString(1), rs.getString(2) != null)).optional();
    }

    /** What is wrong with the URIs typed one per line, if anything (a message key). */
    static Optional<String> uris(String typed, boolean required) {
        return uris(lines(typed), required);
    }

    private static Optional<String> uris(List<String> lines, boolean required) {
        if (lines.isEmpty()) {
            return required ? Optional.of("clients.uris.required") : Optional.empty();
        }
        if (lines.size() > MAX_URIS) {
            return Optional.of("clients.uris.tooMany");
        }
        if (String.join(",", lines).length() > URIS_TOTAL_MAX) {
            return Optional.of("clients.uris.tooLong");
        }
        for (String line : lines) {
            Optional<String> problem = uri(line);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /** One URI, matched exactly by the authorization server: absolute, https (http on this machine only), plain. */
    static Optional<String> uri(String value) {
        if (value.contains("*")) {
            return Optional.of("clients.uri.wildcard");
        }
        if (value.contains("#")) {
            return Optional.of("clients.uri.fragment");
        }
        if (value.contains(",") || value.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            return Optional.of("clients.uri.invalid");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return Optional.of("clients.uri.invalid");
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getRawAuthority() == null) {
            return Optional.of("clients.uri.invalid");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority().contains("@")) {
            return Optional.of("clients.uri.userInfo");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.of("clients.uri.invalid");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return Optional.empty();
        }
        if (scheme.equals("http") && LOOPBACK.contains(host.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of("clients.uri.https");
    }

    static List<String> lines(String typed) {
        if (typed == null) {
            return List.of();
        }
        Set<String> lines = new LinkedHashSet<>();
        for (String line : typed.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return List.copyOf(lines);
    }

    private static List<String> split(String joined) {
        if (joined == null || joined.isBlank()) {
            return List.of();
        }
        return List.of(joined.split(","));
    }
}
