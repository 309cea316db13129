package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.ACR;
import com.nimbusds.openid.connect.sdk.claims.AMR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.oidc.ClientSecrets;
import dev.gatehouse.oidc.OidcClients;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * The OpenID Connect provider through HTTP, the application's side played by an independent client library (Nimbus
 * oauth2-oidc-sdk): discovery, the authorization code flow with PKCE behind Gatehouse's whole sign-in, the ID token
 * checked against the published keys, refresh rotation, revocation, introspection, client credentials, step-up and
 * the prompts, and the attempts to get around them.
 */
abstract class OidcFlowTests extends TwoFactorFlowSupport {

    static final URI CALLBACK = URI.create("https://app.example/callback");
    static final String MFA_NOW = "urn:gatehouse:acr:mfa-now";

    /** Each client's secret (a store refuses two clients with the same one). */
    static String secret(String clientId) {
        return "secret-of-" + clientId;
    }

    /** A confidential web application registered for this test: its id; secret {@link #secret}. */
    String webApp() {
        String id = "app-" + UUID.randomUUID();
        OidcClients clients = ctx.getBean(OidcClients.class);
        clients.save(clients.client(id, ClientSecrets.ENCODER.encode(secret(id)))
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri(CALLBACK.toString()).postLogoutRedirectUri("https://app.example/signed-out")
                .scope("openid").scope("email").scope("profile").build());
        return id;
    }

    String base() {
        return "http://localhost:" + port;
    }

    URI endpoint(String path) {
        return URI.create(base() + path);
    }

    ClientAuthentication auth(String clientId) {
        return new ClientSecretBasic(new ClientID(clientId), new Secret(secret(clientId)));
    }

    /** One authorization request of the application, with PKCE and a nonce, and what it must find again. */
    record Request(String clientId, CodeVerifier verifier, Nonce nonce, State state, String path) {
    }

    Request request(String clientId, Map<String, String> extra) {
        return request(clientId, CALLBACK, extra);
    }

    Request request(String clientId, URI callback, Map<String, String> extra) {
        CodeVerifier verifier = new CodeVerifier();
        Nonce nonce = new Nonce();
        State state = new State();
        AuthenticationRequest.Builder builder = new AuthenticationRequest.Builder(ResponseType.CODE,
                new Scope("openid", "email", "profile"), new ClientID(clientId), callback)
                .endpointURI(endpoint("/oauth2/authorize")).state(state).nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256);
        extra.forEach((name, value) -> builder.customParameter(name, value));
        URI uri = builder.build().toURI();
        return new Request(clientId, verifier, nonce, state, uri.getRawPath() + "?" + uri.getRawQuery());
    }

    /** The client's callback the browser was sent to, read by the client library. */
    static AuthorizationResponse callback(Page page) throws Exception {
        assertThat(page.status()).as("redirect to the application").isEqualTo(302);
        String location = page.header("Location").orElseThrow();
        assertThat(location).startsWith(CALLBACK.toString());
        return AuthorizationResponse.parse(URI.create(location));
    }

    /** Signs in through the authorization request: password, then the app's code; returns the code it gives. */
    AuthorizationCode signInForCode(WebSession web, TwoFactorUser user, Request request, boolean remember)
            throws Exception {
        assertThat(web.get(request.path()).location()).isEqualTo("/signin");
        assertThat(signIn(web, user.email(), PASSWORD).location()).isEqualTo("/signin/verify");
        Page proved = code(web, user, remember);
        assertThat(proved.location()).isEqualTo(request.path());
        return codeFrom(web.get(proved.location()), request);
    }

    static AuthorizationCode codeFrom(Page page, Request request) throws Exception {
        AuthorizationResponse response = callback(page);
        assertThat(response.indicatesSuccess()).as("authorization response " + page.header("Location")).isTrue();
        assertThat(response.getState()).isEqualTo(request.state());
        return response.toSuccessResponse().getAuthorizationCode();
    }

    TokenResponse exchange(AuthorizationCode code, Request request, ClientAuthentication auth, CodeVerifier verifier)
            throws Exception {
        AuthorizationGrant grant = new AuthorizationCodeGrant(code, CALLBACK, verifier);
        TokenRequest token = auth == null
                ? new TokenRequest(endpoint("/oauth2/token"), new ClientID(request.clientId()), grant)
                : new TokenRequest(endpoint("/oauth2/token"), auth, grant);
        return OIDCTokenResponseParser.parse(token.toHTTPRequest().send());
    }

    OIDCTokenResponse tokens(AuthorizationCode code, Request request) throws Exception {
        TokenResponse response = exchange(code, request, auth(request.clientId()), request.verifier());
        assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
        return (OIDCTokenResponse) response.toSuccessResponse();
    }

    /** The refresh token an application gets for {@code user}, signed in by a new browser with its second step. */
    RefreshToken refreshToken(TwoFactorUser user, Request request) throws Exception {
        return tokens(signInForCode(browser(), user, request, false), request).getOIDCTokens().getRefreshToken();
    }

    /** The ID token's claims after the client library checked its signature (fetched key set), iss, aud and nonce. */
    IDTokenClaimsSet validated(JWT idToken, Request request) throws Exception {
        IDTokenValidator validator = new IDTokenValidator(new Issuer(base()), new ClientID(request.clientId()),
                JWSAlgorithm.RS256, new URL(base() + "/oauth2/jwks"));
        return validator.validate(idToken, request.nonce());
    }

    TokenIntrospectionSuccessResponse introspect(String clientId, String token) throws Exception {
        HTTPResponse http = new TokenIntrospectionRequest(endpoint("/oauth2/introspect"), auth(clientId),
                new BearerAccessToken(token)).toHTTPRequest().send();
        TokenIntrospectionResponse response = TokenIntrospectionResponse.parse(http);
        assertThat(response.indicatesSuccess()).isTrue();
        return response.toSuccessResponse();
    }

    TokenResponse refresh(String clientId, RefreshToken token) throws Exception {
        return OIDCTokenResponseParser.parse(new TokenRequest(endpoint("/oauth2/token"), auth(clientId),
                new RefreshTokenGrant(token)).toHTTPRequest().send());
    }

    // --- Discovery and the whole flow ---------------------------------------------------------------------------

    @Test
    void discoveryWhenReadByTheClientLibraryThenNamesEveryEndpoint() throws Exception {
        OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(base()));
        assertThat(metadata.getIssuer().getValue()).isEqualTo(base());
        assertThat(metadata.getAuthorizationEndpointURI()).isEqualTo(endpoint("/oauth2/authorize"));
        assertThat(metadata.getTokenEndpointURI()).isEqualTo(endpoint("/oauth2/token"));
        assertThat(metadata.getJWKSetURI()).isEqualTo(endpoint("/oauth2/jwks"));
        assertThat(metadata.getUserInfoEndpointURI()).isEqualTo(endpoint("/userinfo"));
        assertThat(metadata.getRevocationEndpointURI()).isEqualTo(endpoint("/oauth2/revoke"));
        assertThat(metadata.getIntrospectionEndpointURI()).isEqualTo(endpoint("/oauth2/introspect"));
        assertThat(metadata.getEndSessionEndpointURI()).isEqualTo(endpoint("/connect/logout"));
        assertThat(metadata.getResponseModes()).extracting(Object::toString).containsExactly("query");
        assertThat(metadata.supportsRequestURIParam()).isFalse();
        assertThat(metadata.getCodeChallengeMethods()).contains(CodeChallengeMethod.S256);
        assertThat(metadata.getIDTokenJWSAlgs()).contains(JWSAlgorithm.RS256);
        // What a client can use, and only that (noticed by a new user: "openid" alone, and methods nobody can use).
        assertThat(metadata.getScopes().toStringList()).contains("openid", "email", "profile", "users:read");
        assertThat(metadata.getACRs()).extracting(ACR::getValue).containsExactly("urn:gatehouse:acr:password",
                "urn:gatehouse:acr:mfa", "urn:gatehouse:acr:mfa-now");
        assertThat(metadata.getTokenEndpointAuthMethods()).extracting(m -> m.getValue())
                .containsExactlyInAnyOrder("client_secret_basic", "client_secret_post", "none");
        assertThat(metadata.getGrantTypes()).extracting(g -> g.getValue())
                .containsExactlyInAnyOrder("authorization_code", "refresh_token", "client_credentials");
        assertThat(metadata.getRevocationEndpointAuthMethods()).extracting(m -> m.getValue())
                .containsExactlyInAnyOrder("client_secret_basic", "client_secret_post");
        assertThat(metadata.getIntrospectionEndpointAuthMethods()).extracting(m -> m.getValue())
                .containsExactlyInAnyOrder("client_secret_basic", "client_secret_post");
        assertThat(metadata.supportsTLSClientCertificateBoundAccessTokens()).isFalse();
        assertThat(metadata.getDPoPJWSAlgs()).isNull();
        // RFC 8414's metadata says the same.
        String oauth = new WebSession(port).get("/.well-known/oauth-authorization-server").body();
        assertThat(oauth).contains("\"client_secret_basic\"", "\"users:read\"")
                .doesNotContain("private_key_jwt", "tls_client_auth", "dpop", "token-exchange", "device_code");
    }

    @Test
    void codeFlowWhenPasswordAndAppCodeThenIdTokenVerifiesAndTellsHowTheUserSignedIn() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-ada");
        String app = webApp();
        Request request = request(app, Map.of());
        WebSession web = browser();
        AuthorizationCode code = signInForCode(web, ada, request, false);
        java.time.Instant signedInAt = clock().instant();

        OIDCTokenResponse tokens = tokens(code, request);
        IDTokenClaimsSet claims = validated(tokens.getOIDCTokens().getIDToken(), request);
        assertThat(claims.getSubject().getValue()).isEqualTo(ada.id().toString());
        assertThat(claims.getAudience()).extracting(a -> a.getValue()).containsExactly(app);
        assertThat(claims.getAMR()).extracting(AMR::getValue).containsExactly("pwd", "otp", "mfa");
        assertThat(claims.getACR()).isEqualTo(new ACR("urn:gatehouse:acr:mfa-now"));
        assertThat(claims.getAuthenticationTime().toInstant()).isBetween(signedInAt.minusSeconds(60), signedInAt);
        assertThat(claims.getStringClaim("email")).isEqualTo(ada.email());
        assertThat(claims.getBooleanClaim("email_verified")).isTrue();
        assertThat(claims.getStringClaim("name")).isEqualTo("oidc-ada");
        assertThat(auditTypes(ada.id())).contains(AuditEventType.SIGN_IN);

        // UserInfo answers the access token with the same user.
        AccessToken access = tokens.getOIDCTokens().getAccessToken();
        UserInfoResponse info = UserInfoResponse.parse(new UserInfoRequest(endpoint("/userinfo"),
                (BearerAccessToken) access).toHTTPRequest().send());
        assertThat(info.indicatesSuccess()).isTrue();
        assertThat(info.toSuccessResponse().getUserInfo().getSubject().getValue()).isEqualTo(ada.id().toString());
        assertThat(info.toSuccessResponse().getUserInfo().getEmailAddress()).isEqualTo(ada.email());

        // Already signed in: the next request of the application is answered without asking anything.
        Request again = request(app, Map.of());
        assertThat(codeFrom(web.get(again.path()), again)).isNotNull();
    }

    @Test
    void refreshWhenUsedThenRotatesAndTheOldTokenIsRefused() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-refresh");
        String app = webApp();
        Request request = request(app, Map.of());
        OIDCTokenResponse first = tokens(signInForCode(browser(), ada, request, false), request);
        RefreshToken old = first.getOIDCTokens().getRefreshToken();
        assertThat(old).isNotNull();

        TokenResponse rotated = refresh(app, old);
        assertThat(rotated.indicatesSuccess()).isTrue();
        OIDCTokenResponse fresh = (OIDCTokenResponse) rotated.toSuccessResponse();
        RefreshToken next = fresh.getOIDCTokens().getRefreshToken();
        assertThat(next.getValue()).isNotEqualTo(old.getValue());
        // The ID token issued on refresh tells the same sign-in.
        // (No nonce: that belongs to the authentication request alone.)
        IDTokenClaimsSet claims = validated(fresh.getOIDCTokens().getIDToken(),
                new Request(app, request.verifier(), null, request.state(), request.path()));
        assertThat(claims.getAMR()).extracting(AMR::getValue).containsExactly("pwd", "otp", "mfa");

        RefreshToken third = ((OIDCTokenResponse) refresh(app, next).toSuccessResponse()).getOIDCTokens()
                .getRefreshToken();
        assertThat(third.getValue()).isNotEqualTo(next.getValue());

        TokenResponse replay = refresh(app, old);
        assertThat(replay.indicatesSuccess()).isFalse();
        assertThat(((TokenErrorResponse) replay).getErrorObject().getCode()).isEqualTo("invalid_grant");
        // A token two refreshes old is as much a copy as the last one replaced: the authorization ended.
        assertThat(error(refresh(app, third))).isEqualTo("invalid_grant");
    }

    /**
     * A user's refreshes are budgeted ({@code SignInChecks#refreshes}: each keeps hashes of what it replaced): a
     * refresh counts once it succeeded; past the budget, {@code invalid_request} and nothing ends, so the same refresh
     * token works again once the window has room.
     */
    @Test
    void refreshWhenTheUsersBudgetOfRefreshesIsSpentThenRefusedAndNothingEnds() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-refresh-budget");
        String app = webApp();
        Request request = request(app, Map.of());
        RefreshToken token = refreshToken(ada, request);
        java.util.function.LongSupplier counted = () -> jdbc().sql(
                "select coalesce(sum(hits), 0) from rate_counters where scope = ?")
                .param(dev.gatehouse.oidc.SignInChecks.refreshes(ada.id()).get(0).scope()).query(Long.class).single();
        TokenResponse once = refresh(app, token);
        assertThat(once.indicatesSuccess()).isTrue();
        assertThat(counted.getAsLong()).isEqualTo(1);
        token = ((OIDCTokenResponse) once.toSuccessResponse()).getOIDCTokens().getRefreshToken();

        dev.gatehouse.system.RateLimits limits = ctx.getBean(dev.gatehouse.system.RateLimits.class);
        while (limits.take(dev.gatehouse.oidc.SignInChecks.refreshes(ada.id()), clock().instant()).isEmpty()) {
            // spend the rest of the budget
        }
        TokenResponse refused = refresh(app, token);
        assertThat(refused.indicatesSuccess()).isFalse();
        assertThat(((TokenErrorResponse) refused).getErrorObject().getCode()).isEqualTo("invalid_request");
        assertThat(((TokenErrorResponse) refused).getErrorObject().getDescription()).contains("Too many refreshes");

        jdbc().sql("delete from rate_counters where scope like ?").param("refreshes:" + ada.id() + "%").update();
        assertThat(refresh(app, token).indicatesSuccess()).as("the same token, once the window has room").isTrue();
    }

    /**
     * A refresh token used again after a refresh replaced it is a copy in a second pair of hands (the application's
     * and a thief's, whichever refreshed first): the whole authorization ends, the current tokens whoever holds them
     * included, as RFC 9700 section 4.14.2 asks. Before, only the copy was refused, and a thief who refreshed first
     * kept the grant while the application's own refreshes failed. Other authorizations of the user go on.
     */
    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void refreshWhenAReplacedTokenIsUsedAgainThenItsWholeAuthorizationEnds(
            org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-refresh-reuse");
        String app = webApp();
        WebSession web = browser();
        Request request = request(app, Map.of());
        RefreshToken stolen = tokens(signInForCode(web, ada, request, false), request).getOIDCTokens()
                .getRefreshToken();
        Request other = request(app, Map.of());
        RefreshToken untouched = tokens(codeFrom(web.get(other.path()), other), other).getOIDCTokens()
                .getRefreshToken();
        // The thief refreshes first: it holds the current tokens, the application the replaced refresh token.
        OIDCTokenResponse thief = (OIDCTokenResponse) refresh(app, stolen).toSuccessResponse();

        TokenResponse application = refresh(app, stolen);

        assertThat(error(application)).isEqualTo("invalid_grant");
        assertThat(((TokenErrorResponse) application).getErrorObject().getDescription()).contains("used before");
        assertThat(error(refresh(app, thief.getOIDCTokens().getRefreshToken())))
                .as("the thief's current refresh token").isEqualTo("invalid_grant");
        assertThat(introspect(app, thief.getOIDCTokens().getAccessToken().getValue()).isActive())
                .as("the thief's access token").isFalse();
        assertThat(UserInfoResponse.parse(new UserInfoRequest(endpoint("/userinfo"),
                (BearerAccessToken) thief.getOIDCTokens().getAccessToken()).toHTTPRequest().send())
                .indicatesSuccess()).as("the thief's access token at UserInfo").isFalse();
        assertThat(auditTypes(ada.id())).endsWith(AuditEventType.APPLICATION_TOKEN_REUSED);
        assertThat(output.getAll()).as("the log says which authorization, never a token")
                .contains("A replaced refresh token of authorization")
                .doesNotContain(stolen.getValue()).doesNotContain(thief.getOIDCTokens().getRefreshToken().getValue());
        assertThat(spentRows(stolen)).as("the spent token went with its authorization").isZero();
        assertThat(refresh(app, untouched).indicatesSuccess()).as("another authorization of the user").isTrue();
        assertThat(web.get("/settings/security").status()).as("the browser's own session").isEqualTo(200);
    }

    /**
     * A replaced refresh token sent by another application (authenticated as itself) is refused as any token not its
     * own, and ends nothing: only the application it was issued to can say its copy is loose.
     */
    @Test
    void refreshWhenAReplacedTokenComesFromAnotherApplicationThenRefusedAndNothingEnds() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-refresh-reuse-other");
        String app = webApp();
        String otherApp = webApp();
        Request request = request(app, Map.of());
        RefreshToken old = refreshToken(ada, request);
        RefreshToken next = ((OIDCTokenResponse) refresh(app, old).toSuccessResponse()).getOIDCTokens()
                .getRefreshToken();

        assertThat(error(refresh(otherApp, old))).isEqualTo("invalid_grant");

        assertThat(refresh(app, next).indicatesSuccess()).isTrue();
        assertThat(auditTypes(ada.id())).doesNotContain(AuditEventType.APPLICATION_TOKEN_REUSED);
    }

    /**
     * A refresh token used twice of an application an account registered: the account's activity (its owners and
     * admins) and the user's name the application, and the account is told only of its own application.
     */
    @Test
    void refreshWhenATokenOfAnAccountsApplicationIsUsedTwiceThenItsActivityNamesTheApplication() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-reuse-account");
        dev.gatehouse.oidc.AccountClients.Register.Registered registered =
                (dev.gatehouse.oidc.AccountClients.Register.Registered) ctx.getBean(
                        dev.gatehouse.oidc.AccountClients.class).register(ada.user().accountId(), ada.id(),
                        new dev.gatehouse.oidc.AccountClients.Registration("Billing desk", CALLBACK.toString(), "",
                                true, true, true), new dev.gatehouse.system.ClientInfo("198.51.100.2", "test"));
        Secret secret = new Secret(registered.secret());
        WebSession web = browser();
        Request request = request(registered.clientId(), Map.of());
        TokenResponse first = exchange(signInForCode(web, ada, request, false), request,
                new ClientSecretBasic(new ClientID(registered.clientId()), secret), request.verifier());
        RefreshToken old = first.toSuccessResponse().getTokens().getRefreshToken();
        assertThat(refreshWith(registered.clientId(), secret, old).indicatesSuccess()).isTrue();

        assertThat(error(refreshWith(registered.clientId(), secret, old))).isEqualTo("invalid_grant");

        String words = "Signed out of the application \u201cBilling desk\u201d: one of its tokens was used twice";
        assertThat(text(web.get("/accounts/" + ada.user().accountId() + "/activity"))).contains(words);
        assertThat(text(web.get("/settings/activity"))).contains(words);
    }

    /**
     * A new set of backup codes ends the user's other sessions, and what applications were granted before it: refused
     * at the next use; the browser that made it stays signed in, so the application's next request gets a code
     * without asking anything (docs/integration.md).
     */
    @Test
    void refreshWhenTheUserMadeANewSetOfBackupCodesThenRefusedAndThisBrowserGetsACodeWithoutBeingAsked()
            throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-new-codes");
        String app = webApp();
        WebSession web = browser();
        Request request = request(app, Map.of());
        RefreshToken held = tokens(signInForCode(web, ada, request, false), request).getOIDCTokens()
                .getRefreshToken();
        web.get("/settings/confirm?next=/settings/backup-codes/new");
        web.post("/settings/confirm", Map.of("password", PASSWORD, "next", "/settings/backup-codes/new"));
        web.get("/settings/backup-codes/new");
        assertThat(web.post("/settings/backup-codes/new", Map.of()).location()).isEqualTo("/settings/backup-codes");

        assertThat(error(refresh(app, held))).isEqualTo("invalid_grant");
        Request again = request(app, Map.of());
        assertThat(codeFrom(web.get(again.path()), again)).isNotNull();
    }

    private long spentRows(RefreshToken token) {
        return ctx.getBean(org.springframework.jdbc.core.simple.JdbcClient.class)
                .sql("select count(*) from spent_refresh_tokens where hash = ?")
                .param(dev.gatehouse.crypto.Tokens.sha256(token.getValue())).query(Long.class).single();
    }

    /**
     * Two exchanges of one code at the same moment (found by an outside attack in stop 32: 12 of 20 got tokens). Made
     * deterministic by holding the authorization's row lock while both arrive, as a first exchange under way would:
     * without the lock each read the code unused and both got tokens once it was released. Now one gets tokens, and
     * the other, seeing the code used, revokes them (RFC 6749 section 4.1.2).
     */
    @Test
    void codeWhenExchangedTwiceAtTheSameMomentThenOnceAndTheSecondRevokesTheFirstsTokens() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-code-race");
        String app = webApp();
        Request request = request(app, Map.of());
        AuthorizationCode code = signInForCode(browser(), ada, request, false);
        List<TokenResponse> answers = twiceWhileLocked("authorization_code_value", code.getValue(),
                () -> exchange(code, request, auth(app), request.verifier()));
        OIDCTokenResponse won = (OIDCTokenResponse) answers.stream().filter(TokenResponse::indicatesSuccess)
                .findFirst().orElseThrow().toSuccessResponse();
        assertThat(introspect(app, won.getOIDCTokens().getAccessToken().getValue()).isActive()).isFalse();
        assertThat(error(refresh(app, won.getOIDCTokens().getRefreshToken()))).isEqualTo("invalid_grant");
    }

    /**
     * Two refreshes with one refresh token at the same moment: one new token, and then, the second having found the
     * token replaced (a copy used again), the authorization ended, the new token with it.
     */
    @Test
    void refreshWhenUsedTwiceAtTheSameMomentThenOneNewTokenAndThenItsAuthorizationEnds() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-refresh-race");
        String app = webApp();
        Request request = request(app, Map.of());
        RefreshToken old = refreshToken(ada, request);
        List<TokenResponse> answers = twiceWhileLocked("refresh_token_value", old.getValue(),
                () -> refresh(app, old));
        // The second found the token replaced: a copy used again, which ends what the first got too.
        OIDCTokenResponse won = (OIDCTokenResponse) answers.stream().filter(TokenResponse::indicatesSuccess)
                .findFirst().orElseThrow().toSuccessResponse();
        assertThat(error(refresh(app, won.getOIDCTokens().getRefreshToken()))).isEqualTo("invalid_grant");
    }

    /**
     * An access token made on refresh says the level the sign-in still holds then, with the sign-in's time: mfa-now
     * only while the second factor is minutes old (found by an outside attack in stop 32: mfa-now for hours).
     */
    @Test
    void accessTokenWhenMadeOnRefreshAfterTheFreshWindowThenMfaNotMfaNowAndTheSignInsTime() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-acr-refresh");
        String app = webApp();
        Request request = request(app, Map.of());
        AuthorizationCode code = signInForCode(browser(), ada, request, false);
        java.time.Instant signedInAt = clock().instant();
        OIDCTokenResponse first = tokens(code, request);
        com.nimbusds.jwt.JWTClaimsSet firstAccess = com.nimbusds.jwt.SignedJWT.parse(
                first.getOIDCTokens().getAccessToken().getValue()).getJWTClaimsSet();
        assertThat(firstAccess.getStringClaim("acr")).isEqualTo("urn:gatehouse:acr:mfa-now");
        java.time.Instant authTime = firstAccess.getDateClaim("auth_time").toInstant();
        assertThat(authTime).isBetween(signedInAt.minusSeconds(60), signedInAt);

        clock().advance(java.time.Duration.ofMinutes(6));
        OIDCTokenResponse later = (OIDCTokenResponse) refresh(app, first.getOIDCTokens().getRefreshToken())
                .toSuccessResponse();
        com.nimbusds.jwt.JWTClaimsSet laterAccess = com.nimbusds.jwt.SignedJWT.parse(
                later.getOIDCTokens().getAccessToken().getValue()).getJWTClaimsSet();
        assertThat(laterAccess.getStringClaim("acr")).isEqualTo("urn:gatehouse:acr:mfa");
        assertThat(laterAccess.getDateClaim("auth_time").toInstant()).isEqualTo(authTime);
    }

    /**
     * An application's refresh token for a member an account's rule now holds at "set up a method" (found by an
     * outside attack in stop 32: refreshed for hours while the member's browser was held): honoured while the grace
     * period lets the member postpone the set-up, refused once it does not.
     */
    @Test
    void refreshWhenTheAccountNowRequiresAMethodTheUserLacksThenRefusedOnceNoGraceIsLeft() throws Exception {
        TestUsers.Created bob = users().create("oidc-held");
        String app = webApp();
        WebSession web = browser();
        Request request = request(app, Map.of());
        web.get(request.path());
        assertThat(signIn(web, bob.email(), PASSWORD).location()).isEqualTo(request.path());
        RefreshToken refresh = tokens(codeFrom(web.get(request.path()), request), request).getOIDCTokens()
                .getRefreshToken();
        java.util.Set<String> all = java.util.Set.of("TOTP", "EMAIL", "SMS", "WEBAUTHN");
        dev.gatehouse.account.SecurityRulesService rules = ctx.getBean(dev.gatehouse.account.SecurityRulesService.class);
        rules.save(bob.accountId(), bob.user(), true, 7, all, dev.gatehouse.account.DeviceTrustPeriod.ONE_DAY, all,
                dev.gatehouse.system.ClientInfo.SYSTEM);
        TokenResponse duringGrace = refresh(app, refresh);
        assertThat(duringGrace.indicatesSuccess()).as("within the grace period").isTrue();
        refresh = ((OIDCTokenResponse) duringGrace.toSuccessResponse()).getOIDCTokens().getRefreshToken();

        rules.save(bob.accountId(), bob.user(), true, 0, all, dev.gatehouse.account.DeviceTrustPeriod.ONE_DAY, all,
                dev.gatehouse.system.ClientInfo.SYSTEM);
        assertThat(error(refresh(app, refresh))).isEqualTo("invalid_grant");
        assertThat(error(refresh(app, refresh))).as("the authorization is gone").isEqualTo("invalid_grant");
    }

    /**
     * {@code use} twice at once while the authorization holding {@code token} (in {@code column}) is locked, as a use
     * under way would hold it; asserts one success and one {@code invalid_grant}, and returns both answers.
     */
    private List<TokenResponse> twiceWhileLocked(String column, String token,
                                                 java.util.concurrent.Callable<TokenResponse> use) {
        List<TokenResponse> answers = dev.gatehouse.testsupport.Race.whileHeld(
                ctx.getBean(org.springframework.transaction.support.TransactionTemplate.class),
                () -> assertThat(ctx.getBean(org.springframework.jdbc.core.simple.JdbcClient.class)
                        .sql("select id from oauth2_authorization where " + column + " = ? for update").param(token)
                        .query(String.class).list()).hasSize(1),
                () -> { },
                () -> dev.gatehouse.testsupport.Race.run(2, i -> {
                    try {
                        return use.call();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
        assertThat(answers).filteredOn(TokenResponse::indicatesSuccess).hasSize(1);
        assertThat(answers).filteredOn(a -> !a.indicatesSuccess()).singleElement()
                .extracting(OidcFlowTests::error).isEqualTo("invalid_grant");
        return answers;
    }

    /**
     * What a stolen session's authorization request made at the moment the user's sessions all ended (a password
     * change deletes the user's authorizations in its own transaction, which one made meanwhile escapes): found by an
     * outside attack in stop 31, whose codes from during a password change were exchanged after it and refreshed for
     * hours. Made here by ending the sessions with Sessions.endAll alone, which leaves the authorizations in place, so
     * every run takes the losing side of that race: nothing of them is honoured any more.
     */
    @Test
    void tokensWhenTheUsersSessionsAllEndedAfterTheSignInThenNoCodeRefreshOrUserInfoIsHonoured() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-ended");
        String app = webApp();
        WebSession web = browser();
        Request request = request(app, Map.of());
        OIDCTokenResponse held = tokens(signInForCode(web, ada, request, false), request);
        Request again = request(app, Map.of());
        AuthorizationCode pending = codeFrom(web.get(again.path()), again);
        BearerAccessToken access = (BearerAccessToken) held.getOIDCTokens().getAccessToken();
        assertThat(UserInfoResponse.parse(new UserInfoRequest(endpoint("/userinfo"), access).toHTTPRequest().send())
                .indicatesSuccess()).isTrue();

        Request third = request(app, Map.of());
        String introspected = tokens(codeFrom(web.get(third.path()), third), third).getOIDCTokens().getAccessToken()
                .getValue();
        assertThat(introspect(app, introspected).isActive()).isTrue();

        ctx.getBean(dev.gatehouse.signin.Sessions.class).endAll(ada.user().user().id());

        assertThat(introspect(app, introspected).isActive()).as("an access token issued before, introspected")
                .isFalse();
        TokenResponse exchanged = exchange(pending, again, auth(app), again.verifier());
        assertThat(exchanged.indicatesSuccess()).as("a code issued before").isFalse();
        assertThat(error(exchanged)).isEqualTo("invalid_grant");
        com.nimbusds.oauth2.sdk.http.HTTPResponse refusal = new UserInfoRequest(endpoint("/userinfo"), access)
                .toHTTPRequest().send();
        assertThat(UserInfoResponse.parse(refusal).indicatesSuccess()).as("an access token issued before").isFalse();
        // As a protected resource answers (RFC 6750 section 3): a client knows to get a new token, not to retry.
        assertThat(refusal.getStatusCode()).isEqualTo(401);
        assertThat(refusal.getHeaderValue("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
        assertThat(refusal.getBodyAsJSONObject()).containsEntry("error", "invalid_token");
        TokenResponse refreshed = refresh(app, held.getOIDCTokens().getRefreshToken());
        assertThat(refreshed.indicatesSuccess()).as("a refresh token issued before").isFalse();
        assertThat(error(refreshed)).isEqualTo("invalid_grant");
    }

    /**
     * Found by an outside attack in stop 31: after an email change, refreshed ID tokens (and so UserInfo) still named
     * the address the user had left, as verified, though anyone may now take it. The sign-in's facts stay the grant's.
     */
    @Test
    void refreshWhenTheUserChangedTheirEmailMeanwhileThenTheNewIdTokenNamesTheNewAddress() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-new-email");
        String app = webApp();
        Request request = request(app, Map.of());
        OIDCTokenResponse first = tokens(signInForCode(browser(), ada, request, false), request);
        dev.gatehouse.user.UserDetails details = ctx.getBean(dev.gatehouse.user.UserDetails.class);
        dev.gatehouse.system.ClientInfo client = new dev.gatehouse.system.ClientInfo("198.51.100.9", "test");
        String moved = "moved-" + ada.email();
        assertThat(details.requestEmailChange(ada.user().user(), moved, client))
                .isInstanceOf(dev.gatehouse.user.UserDetails.EmailChangeRequest.Sent.class);
        String link = mail().await(moved, "Confirm your new").link("/settings/details/email/confirm/");
        assertThat(details.confirmEmailChange(ada.user().user().id(), link.substring(link.lastIndexOf('/') + 1),
                client)).isInstanceOf(dev.gatehouse.user.UserDetails.EmailConfirmation.Changed.class);

        // UserInfo with the access token issued before the change: the address as it is now.
        UserInfoResponse info = UserInfoResponse.parse(new UserInfoRequest(endpoint("/userinfo"),
                (BearerAccessToken) first.getOIDCTokens().getAccessToken()).toHTTPRequest().send());
        assertThat(info.indicatesSuccess()).isTrue();
        assertThat(info.toSuccessResponse().getUserInfo().getEmailAddress()).isEqualTo(moved);

        TokenResponse refreshed = refresh(app, first.getOIDCTokens().getRefreshToken());
        assertThat(refreshed.indicatesSuccess()).as(String.valueOf(refreshed)).isTrue();
        IDTokenClaimsSet claims = validated(((OIDCTokenResponse) refreshed.toSuccessResponse()).getOIDCTokens()
                .getIDToken(), new Request(app, request.verifier(), null, request.state(), request.path()));
        assertThat(claims.getStringClaim("email")).isEqualTo(moved);
        assertThat(claims.getAMR()).extracting(AMR::getValue).containsExactly("pwd", "otp", "mfa");
    }

    @Test
    void revocationWhenRefreshTokenRevokedThenIntrospectionSaysInactiveAndRefreshIsRefused() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-revoke");
        String app = webApp();
        Request request = request(app, Map.of());
        OIDCTokenResponse tokens = tokens(signInForCode(browser(), ada, request, false), request);
        String access = tokens.getOIDCTokens().getAccessToken().getValue();
        RefreshToken refresh = tokens.getOIDCTokens().getRefreshToken();

        TokenIntrospectionSuccessResponse active = introspect(app, access);
        assertThat(active.isActive()).isTrue();
        assertThat(active.getSubject().getValue()).isEqualTo(ada.id().toString());
        assertThat(active.getClientID().getValue()).isEqualTo(app);

        HTTPResponse revoked = new TokenRevocationRequest(endpoint("/oauth2/revoke"), auth(app), refresh)
                .toHTTPRequest().send();
        assertThat(revoked.getStatusCode()).isEqualTo(200);
        assertThat(introspect(app, refresh.getValue()).isActive()).isFalse();
        assertThat(refresh(app, refresh).indicatesSuccess()).isFalse();
    }

    /**
     * Introspection tells a client about its own tokens only (and its account's other clients'): to any other client
     * a live token is "not active", as one that does not exist, so a client of any account cannot check whether a
     * stolen token still works, nor learn whose it is.
     */
    @Test
    void introspectionWhenAskedByAnotherClientThenNotActiveAndByItsOwnClientActive() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-introspect-other");
        String app = webApp();
        String stranger = webApp();
        Request request = request(app, Map.of());
        OIDCTokenResponse tokens = tokens(signInForCode(browser(), ada, request, false), request);
        String access = tokens.getOIDCTokens().getAccessToken().getValue();
        String refresh = tokens.getOIDCTokens().getRefreshToken().getValue();

        for (String token : List.of(access, refresh)) {
            TokenIntrospectionSuccessResponse theirs = introspect(stranger, token);
            assertThat(theirs.isActive()).isFalse();
            assertThat(theirs.toJSONObject()).containsOnlyKeys("active");
            assertThat(introspect(app, token).isActive()).isTrue();
        }
        assertThat(introspect(app, access).getSubject().getValue()).isEqualTo(ada.id().toString());
    }

    /**
     * Revocation answers another client's token as one that does not exist (200, nothing revoked), so it tells no
     * client whether someone else's token is still on record.
     */
    @Test
    void revocationWhenAnotherClientsTokenThenAnsweredAsUnknownAndNothingRevoked() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-revoke-other");
        String app = webApp();
        String stranger = webApp();
        Request request = request(app, Map.of());
        RefreshToken refresh = refreshToken(ada, request);
        HTTPResponse theirs = new TokenRevocationRequest(endpoint("/oauth2/revoke"), auth(stranger), refresh)
                .toHTTPRequest().send();
        HTTPResponse unknown = new TokenRevocationRequest(endpoint("/oauth2/revoke"), auth(stranger),
                new RefreshToken()).toHTTPRequest().send();
        assertThat(theirs.getStatusCode()).isEqualTo(200).isEqualTo(unknown.getStatusCode());
        assertThat(theirs.getBody()).isEqualTo(unknown.getBody());
        assertThat(refresh(app, refresh).indicatesSuccess()).as("not revoked").isTrue();
    }

    @Test
    void clientCredentialsWhenMachineClientThenAccessTokenWithoutUser() throws Exception {
        String machine = "machine-" + UUID.randomUUID();
        OidcClients clients = ctx.getBean(OidcClients.class);
        clients.save(clients.client(machine, ClientSecrets.ENCODER.encode(secret(machine)))
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).scope("reports.read").build());
        TokenResponse response = OIDCTokenResponseParser.parse(new TokenRequest(endpoint("/oauth2/token"),
                auth(machine), new ClientCredentialsGrant(), new Scope("reports.read")).toHTTPRequest().send());
        assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
        String token = response.toSuccessResponse().getTokens().getAccessToken().getValue();
        TokenIntrospectionSuccessResponse introspected = introspect(machine, token);
        assertThat(introspected.isActive()).isTrue();
        assertThat(introspected.getSubject().getValue()).isEqualTo(machine);
        assertThat(introspected.getScope()).isEqualTo(new Scope("reports.read"));

        TokenResponse wrongSecret = OIDCTokenResponseParser.parse(new TokenRequest(endpoint("/oauth2/token"),
                new ClientSecretBasic(new ClientID(machine), new Secret("guessed")), new ClientCredentialsGrant())
                .toHTTPRequest().send());
        assertThat(wrongSecret.indicatesSuccess()).isFalse();

        // Its tokens are budgeted (each is a stored authorization): past the budget, refused, nothing stored; another
        // client's budget is its own.
        dev.gatehouse.system.RateLimits limits = ctx.getBean(dev.gatehouse.system.RateLimits.class);
        String id = ctx.getBean(org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository.class)
                .findByClientId(machine).getId();
        while (limits.take(dev.gatehouse.web.oidc.ClientCredentialsBudget.tokens(id), clock().instant())
                .isEmpty()) {
            // spend the rest of the budget
        }
        long stored = count("select count(*) from oauth2_authorization where registered_client_id = ?", id);
        TokenResponse refused = OIDCTokenResponseParser.parse(new TokenRequest(endpoint("/oauth2/token"),
                auth(machine), new ClientCredentialsGrant(), new Scope("reports.read")).toHTTPRequest().send());
        assertThat(refused.indicatesSuccess()).isFalse();
        assertThat(refused.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_request");
        assertThat(refused.toErrorResponse().getErrorObject().getDescription()).contains("reuse a token");
        assertThat(count("select count(*) from oauth2_authorization where registered_client_id = ?", id))
                .isEqualTo(stored);
    }

    @Test
    void clientCredentialsWhenTheSecretWasStoredWithBcryptBeforeThenItStillWorksAndIsLeftAsItWas() throws Exception {
        String machine = "machine-" + UUID.randomUUID();
        OidcClients clients = ctx.getBean(OidcClients.class);
        clients.save(clients.client(machine, "{bcrypt}" + new BCryptPasswordEncoder(4).encode(secret(machine)))
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).scope("reports.read").build());
        String before = ctx.getBean(RegisteredClientRepository.class).findByClientId(machine).getClientSecret();
        assertThat(before).startsWith("{bcrypt}");

        TokenResponse response = OIDCTokenResponseParser.parse(new TokenRequest(endpoint("/oauth2/token"),
                auth(machine), new ClientCredentialsGrant(), new Scope("reports.read")).toHTTPRequest().send());
        assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
        // Not rewritten: the rewrite would save the client as read before the check, undoing a new secret made meanwhile.
        String after = ctx.getBean(RegisteredClientRepository.class).findByClientId(machine).getClientSecret();
        assertThat(after).isEqualTo(before);
        TokenResponse again = OIDCTokenResponseParser.parse(new TokenRequest(endpoint("/oauth2/token"),
                auth(machine), new ClientCredentialsGrant(), new Scope("reports.read")).toHTTPRequest().send());
        assertThat(again.indicatesSuccess()).as(String.valueOf(again)).isTrue();
    }

    // --- What an attacker tries -----------------------------------------------------------------------------------

    @Test
    void apiWhenAUsersAccessTokenOfTheAccountsOwnApplicationThenRefused() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-api");
        dev.gatehouse.oidc.AccountClients.Register.Registered registered = (dev.gatehouse.oidc.AccountClients.Register.Registered)
                ctx.getBean(dev.gatehouse.oidc.AccountClients.class).register(ada.user().accountId(), ada.id(),
                        new dev.gatehouse.oidc.AccountClients.Registration("Ada's app", CALLBACK.toString(), "", true,
                                true, true), new dev.gatehouse.system.ClientInfo("198.51.100.2", "test"));
        Request request = request(registered.clientId(), Map.of());
        TokenResponse response = exchange(signInForCode(browser(), ada, request, false), request,
                new ClientSecretBasic(new ClientID(registered.clientId()), new Secret(registered.secret())),
                request.verifier());
        assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
        String access = response.toSuccessResponse().getTokens().getAccessToken().getValue();
        assertThat(com.nimbusds.jwt.SignedJWT.parse(access).getJWTClaimsSet().getClaim("account_id")).isNull();

        Page api = new WebSession(port).header("Authorization", "Bearer " + access).get("/api/v1/accounts/" + ada.user().accountId());
        assertThat(api.status()).isEqualTo(401);
        assertThat(api.body()).contains("https://gatehouse.dev/problems/unauthorized");
    }

    /**
     * An application registered on an account signs in that account's members only: another account's signed-in user
     * is answered access_denied at its callback (prompt=none too), no code and nothing about the user; once a member,
     * the same request gives a code. (Found by an outside attack: the stranger's application read a user's name,
     * email and sign-in from a link the user opened.)
     */
    @Test
    void authorizeWhenTheUserIsNotAMemberOfTheApplicationsAccountThenAccessDeniedAndNoCode() throws Exception {
        TestUsers.Created stranger = users().create("oidc-stranger");
        dev.gatehouse.oidc.AccountClients.Register.Registered registered = (dev.gatehouse.oidc.AccountClients.Register.Registered)
                ctx.getBean(dev.gatehouse.oidc.AccountClients.class).register(stranger.accountId(), stranger.user().id(),
                        new dev.gatehouse.oidc.AccountClients.Registration("Stranger's app", CALLBACK.toString(), "",
                                true, true, true), new dev.gatehouse.system.ClientInfo("198.51.100.2", "test"));
        Secret secret = new Secret(registered.secret());
        TwoFactorUser ada = twoFactorUser("oidc-not-member");
        WebSession web = browser();
        signInForCode(web, ada, request(webApp(), Map.of()), false);   // signed in at Gatehouse through another app

        // Nothing is asked of the session either: no sign-out for prompt=login, no second factor for mfa-now; and
        // prompt=none is answered as for a browser not signed in, so the application learns nothing of the session.
        for (Map<String, String> extra : List.of(Map.<String, String>of(), Map.of("prompt", "login"),
                Map.of("acr_values", "urn:gatehouse:acr:mfa-now"), Map.of("prompt", "none"))) {
            Request request = request(registered.clientId(), extra);
            AuthorizationResponse denied = callback(web.get(request.path()));
            assertThat(denied.indicatesSuccess()).as("granted to a stranger with " + extra).isFalse();
            assertThat(denied.toErrorResponse().getErrorObject().getCode())
                    .isEqualTo(extra.containsKey("prompt") && extra.get("prompt").equals("none") ? "login_required"
                            : "access_denied");
            assertThat(denied.getState()).isEqualTo(request.state());
            assertThat(web.get("/settings/security").status()).as("still signed in after " + extra).isEqualTo(200);
        }

        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, 'MEMBER', ?)")
                .params(stranger.accountId(), ada.id(), java.sql.Timestamp.from(clock().instant())).update();
        Request member = request(registered.clientId(), Map.of());
        AuthorizationCode code = codeFrom(web.get(member.path()), member);
        TokenResponse tokens = exchange(code, member,
                new ClientSecretBasic(new ClientID(registered.clientId()), secret), member.verifier());
        assertThat(tokens.indicatesSuccess()).as(String.valueOf(tokens)).isTrue();
        RefreshToken refresh = tokens.toSuccessResponse().getTokens().getRefreshToken();
        TokenResponse refreshed = refreshWith(registered.clientId(), secret, refresh);
        assertThat(refreshed.indicatesSuccess()).as(String.valueOf(refreshed)).isTrue();

        // Left the account some other way than a removal: the refresh is refused all the same.
        jdbc().sql("delete from memberships where account_id = ? and user_id = ?")
                .params(stranger.accountId(), ada.id()).update();
        TokenResponse afterLeaving = refreshWith(registered.clientId(), secret,
                refreshed.toSuccessResponse().getTokens().getRefreshToken());
        assertThat(afterLeaving.indicatesSuccess()).isFalse();
        assertThat(afterLeaving.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");

        // Removed by an owner: what the application holds ends at once, the access token included (UserInfo).
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, 'MEMBER', ?)")
                .params(stranger.accountId(), ada.id(), java.sql.Timestamp.from(clock().instant())).update();
        Request again = request(registered.clientId(), Map.of());
        TokenResponse fresh = exchange(codeFrom(web.get(again.path()), again),
                again, new ClientSecretBasic(new ClientID(registered.clientId()), secret), again.verifier());
        BearerAccessToken access = (BearerAccessToken) fresh.toSuccessResponse().getTokens().getAccessToken();
        assertThat(UserInfoResponse.parse(new UserInfoRequest(endpoint("/userinfo"), access).toHTTPRequest().send())
                .indicatesSuccess()).isTrue();
        assertThat(ctx.getBean(dev.gatehouse.account.MemberService.class).remove(stranger.accountId(),
                stranger.user(), ada.id(), new dev.gatehouse.system.ClientInfo("198.51.100.2", "test")))
                .isInstanceOf(dev.gatehouse.account.MemberService.Change.Done.class);
        assertThat(UserInfoResponse.parse(new UserInfoRequest(endpoint("/userinfo"), access).toHTTPRequest().send())
                .indicatesSuccess()).as("the access token, after the removal").isFalse();
    }

    @Test
    void authorizeWhenRedirectUriNotRegisteredThenErrorPageAndNoRedirect() throws Exception {
        String app = webApp();
        Request request = request(app, Map.of());
        String evil = request.path().replace(enc(CALLBACK.toString()), enc("https://evil.example/callback"));
        assertThat(evil).isNotEqualTo(request.path());
        WebSession web = browser();
        Page page = web.get(evil);
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.header("Location")).isEmpty();
        // The pages' own error page, styled, saying what went wrong in a person's words (no script, no form).
        assertThat(page.body()).contains("This sign-in link does not work", "Nothing about you was shared",
                "/css/gatehouse.css");
        assertThat(page.header("Content-Security-Policy").orElseThrow()).contains("style-src 'self'",
                "img-src 'self'", "default-src 'none'", "frame-ancestors 'none'").doesNotContain("script-src");
    }

    /**
     * Browsers apply a page's {@code form-action} to the redirects after its form is sent, and the last sign-in form
     * ends at the application's callback: while (and only while) a sign-in for a registered callback is under way,
     * its origin is allowed; a forged callback adds nothing.
     */
    @Test
    void signInPagesWhenForAnApplicationThenTheirFormsMayGoOnToItsCallbackOriginOnly() throws Exception {
        String app = webApp();
        WebSession web = browser();
        String plain = web.get("/signin").header("Content-Security-Policy").orElseThrow();
        assertThat(plain).contains("form-action 'self';");

        Request request = request(app, Map.of());
        assertThat(web.get(request.path()).location()).isEqualTo("/signin");
        assertThat(web.get("/signin").header("Content-Security-Policy").orElseThrow())
                .isEqualTo(plain.replace("form-action 'self';", "form-action 'self' https://app.example;"));

        WebSession forged = browser();
        forged.get(request.path().replace(enc(CALLBACK.toString()), enc("https://evil.example/callback")));
        assertThat(forged.get("/signin").header("Content-Security-Policy").orElseThrow()).isEqualTo(plain);
    }

    @Test
    void promptLoginWhenTheCallbackIsNotRegisteredThenErrorPageAndTheUserStaysSignedIn() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-forged-login");
        String app = webApp();
        WebSession web = browser();
        signInForCode(web, ada, request(app, Map.of()), false);

        Request forged = request(app, Map.of("prompt", "login"));
        Page page = web.get(forged.path().replace(enc(CALLBACK.toString()), enc("https://evil.example/callback")));

        assertThat(page.status()).isEqualTo(400);
        assertThat(web.get("/settings/security").status()).as("a forged link signs nobody out").isEqualTo(200);
    }

    // --- Callbacks and requests the endpoint could read otherwise than the sign-in checks -------------------------

    /** A web application whose callback is on the loopback address, as a native app registers it. */
    String loopbackApp() {
        String id = "loopback-" + UUID.randomUUID();
        OidcClients clients = ctx.getBean(OidcClients.class);
        clients.save(clients.client(id, ClientSecrets.ENCODER.encode(secret(id)))
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("http://127.0.0.1:9000/cb").scope("openid").scope("email").scope("profile").build());
        return id;
    }

    /** A member whose account requires two-step verification, with no method set up yet. */
    TestUsers.Created heldForSetUp(String name) {
        TestUsers.Created bob = users().create(name);
        java.util.Set<String> all = java.util.Set.of("TOTP", "EMAIL", "SMS", "WEBAUTHN");
        ctx.getBean(dev.gatehouse.account.SecurityRulesService.class).save(bob.accountId(), bob.user(), true, 0, all,
                dev.gatehouse.account.DeviceTrustPeriod.ONE_DAY, all, dev.gatehouse.system.ClientInfo.SYSTEM);
        return bob;
    }

    /** A member held for set-up, signed in through an authorization request of {@code app}. */
    record Held(WebSession web, Request request) {
    }

    Held signedInHeldForSetUp(String name, String app) throws Exception {
        TestUsers.Created bob = heldForSetUp(name);
        WebSession web = browser();
        Request request = request(app, Map.of());
        web.get(request.path());
        signIn(web, bob.email(), PASSWORD);
        return new Held(web, request);
    }

    /** Each link is the error page, and no redirect: no code, no sign-out, no step. */
    static void errorPagesWithoutCode(WebSession web, List<String> links) {
        for (String link : links) {
            Page page = web.get(link);
            assertThat(page.status()).as(link).isEqualTo(400);
            assertThat(page.header("Location")).as(link).isEmpty();
        }
    }

    /**
     * The endpoint accepts a loopback callback on any port (RFC 8252: a native app listens where the system lets it),
     * so the account's rules and the request's prompts apply there as on the registered port; a native app still
     * gets its code on the port it asked with.
     */
    @Test
    void authorizeWhenALoopbackCallbackOnAnotherPortThenTheAccountRulesAndPromptsApplyAllTheSame() throws Exception {
        String app = loopbackApp();
        TestUsers.Created bob = heldForSetUp("oidc-loopback-setup");
        WebSession held = browser();
        Request registered = request(app, URI.create("http://127.0.0.1:9000/cb"), Map.of());
        assertThat(held.get(registered.path()).location()).isEqualTo("/signin");
        assertThat(signIn(held, bob.email(), PASSWORD).location()).isEqualTo(registered.path());
        for (String callback : List.of("http://127.0.0.1:9000/cb", "http://127.0.0.1:9001/cb", "http://127.0.0.1/cb")) {
            Request other = request(app, URI.create(callback), Map.of());
            assertThat(held.get(other.path()).location()).as(callback).isEqualTo("/settings/security#two-factor");
        }

        TwoFactorUser ada = twoFactorUser("oidc-loopback-login");
        WebSession web = browser();
        Request native1 = request(app, URI.create("http://127.0.0.1:9001/cb"), Map.of());
        assertThat(web.get(native1.path()).location()).isEqualTo("/signin");
        assertThat(signIn(web, ada.email(), PASSWORD).location()).isEqualTo("/signin/verify");
        Page proved = code(web, ada, false);
        assertThat(proved.location()).isEqualTo(native1.path());
        assertThat(web.get(proved.location()).header("Location").orElseThrow())
                .startsWith("http://127.0.0.1:9001/cb?code=");
        Request login = request(app, URI.create("http://127.0.0.1:9999/cb"), Map.of("prompt", "login"));
        assertThat(web.get(login.path()).location()).isEqualTo("/signin");
    }

    /**
     * The endpoint reads a POST's parameters from its body only, and drops those whose name is in the query string;
     * a POST with a query string could be read one way by the sign-in checks and another by the endpoint, so it is
     * refused, and no code is given, whatever the callback.
     */
    @Test
    void authorizeWhenAPostAlsoHasAQueryStringThenRefusedWithoutACode() throws Exception {
        String app = webApp();
        WebSession web = signedInHeldForSetUp("oidc-post-query", app).web();
        Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("response_type", "code", "client_id", app,
                "scope", "email profile", "state", "st", "prompt", "login"));
        form.put("redirect_uri", "https://bogus.example/x");
        Page tricked = web.postRaw("/oauth2/authorize?zredirect_uri=1", form);
        assertThat(tricked.status()).isEqualTo(400);
        assertThat(tricked.header("Location")).isEmpty();

        form.put("redirect_uri", CALLBACK.toString());
        assertThat(web.postRaw("/oauth2/authorize?state=st", form).status()).isEqualTo(400);
        // The same request as a plain POST: the account's rule holds it.
        assertThat(web.postRaw("/oauth2/authorize", form).location()).isEqualTo("/settings/security#two-factor");
    }

    /**
     * A parameter given twice would be read as its first value here and as a list by the endpoint, which then took
     * {@code acr_values} or {@code max_age} as not asked; a callback whose port is no number made the endpoint's
     * loopback rule throw (a 500 and a stack trace in the log). Each is the error page now, and no code.
     */
    @Test
    void authorizeWhenAParameterIsGivenTwiceOrTheCallbackPortIsNoNumberThenErrorPageAndNoCode() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-twice");
        String app = webApp();
        WebSession web = browser();
        Request plain = signedInOnATrustedDevice(web, ada, app);
        errorPagesWithoutCode(web, java.util.stream.Stream.of(
                "&acr_values=" + enc("urn:gatehouse:acr:mfa") + "&acr_values=" + enc(MFA_NOW),
                "&max_age=999999&max_age=0", "&prompt=&prompt=login", "&state=again", "&max_age=%2B0",
                "&max_age=0%20", "&max_age=-0").map(plain.path()::concat).toList());
        assertThat(callback(web.get(request(app, Map.of()).path())).indicatesSuccess()).as("still signed in").isTrue();

        String loopback = loopbackApp();
        String noPort = request(loopback, URI.create("http://127.0.0.1:9000/cb"), Map.of()).path()
                .replace(enc("http://127.0.0.1:9000/cb"), enc("http://127.0.0.1:/cb"));
        assertThat(browser().get(noPort).status()).isEqualTo(400);
        assertThat(web.get(noPort).status()).isEqualTo(400);
        // A request object (whose prompt or max_age nobody would read) is refused, as OpenID Connect Core 6.1 asks.
        Request withObject = request(app, Map.of("request", "eyJhbGciOiJub25lIn0.eyJwcm9tcHQiOiJsb2dpbiJ9."));
        assertThat(callback(web.get(withObject.path())).toErrorResponse().getErrorObject().getCode())
                .isEqualTo("request_not_supported");
        // Any run of digits is a max_age: leading zeros change nothing, and a sign-in older asks for a new one.
        clock().advance(java.time.Duration.ofMinutes(1));
        assertThat(web.get(plain.path() + "&max_age=00000000030").location()).isEqualTo("/signin");
    }

    /**
     * A link too long to keep as the page to return to (its cookie would pass the response header limit: a 500 and a
     * stack trace in the log) is served without being kept; a request line the server cannot parse is a 400 without
     * a stack trace in the log either.
     */
    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void linksWhenTooLongToKeepOrUnparsableThenAnAnswerAndNoStackTraceInTheLog(
            org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        String app = webApp();
        String padding = "a".repeat(5800);
        assertThat(browser().get(request(app, Map.of()).path() + "&x=" + padding).location()).isEqualTo("/signin");
        WebSession web = browser();
        assertThat(web.get("/settings/security?x=" + padding).location()).isEqualTo("/signin");
        assertThat(web.get("/signin").status()).isEqualTo(200);
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.getOutputStream().write("GET /signin?a[]=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
        assertThat(output.getAll()).doesNotContain("\tat ").doesNotContain("HeadersTooLargeException")
                .doesNotContain("Error parsing HTTP request header");
    }

    /**
     * The container decodes a parameter's name ({@code %70rompt} is {@code prompt}), the endpoint keeps only names
     * written as such in the query string: with {@code %70rompt=none} a member held for set-up was granted as if
     * nothing were asked. A name not written as such is the error page now.
     */
    @Test
    void authorizeWhenAParameterNameIsPercentEncodedThenErrorPageAndNoCode() throws Exception {
        Held held = signedInHeldForSetUp("oidc-encoded-name", webApp());
        String path = held.request().path();
        errorPagesWithoutCode(held.web(), List.of(path + "&%70rompt=none", path + "&max%5Fage=0",
                path + "&acr%5Fvalues=" + enc(MFA_NOW)));
        assertThat(held.web().get(path).location()).isEqualTo("/settings/security#two-factor");
    }

    /** Signed in, a request for an unknown callback or client ends at an error page, whatever the session is. */
    @Test
    void authorizeWhenSignedInAndTheCallbackIsUnknownThenErrorPageWithoutACode() throws Exception {
        String app = webApp();
        Held held = signedInHeldForSetUp("oidc-unknown-callback", app);
        String path = held.request().path();
        errorPagesWithoutCode(held.web(), List.of(
                path.replace(enc(CALLBACK.toString()), enc("https://evil.example/callback")),
                path.replace(enc(CALLBACK.toString()), enc("http://127.0.0.1:9000/callback")),
                path.replace("client_id=" + app, "client_id=nobody")));
    }

    /**
     * {@code prompt=none} with an {@code id_token_hint}: answered for the user the hint names, and
     * {@code login_required} when it names someone else or is not an ID token of this server (OpenID Connect Core
     * section 3.1.2.1; found ignored by an outside attack in stop 32; an access token was taken until stop 33). An
     * expired hint still names its user.
     */
    @Test
    void authorizeWhenSilentAndTheIdTokenHintNamesAnotherUserThenLoginRequired() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-hint-ada");
        TwoFactorUser bob = twoFactorUser("oidc-hint-bob");
        String app = webApp();
        WebSession web = browser();
        Request first = request(app, Map.of());
        com.nimbusds.openid.connect.sdk.token.OIDCTokens adasTokens = tokens(signInForCode(web, ada, first, false), first)
                .getOIDCTokens();
        JWT adas = adasTokens.getIDToken();
        Request other = request(app, Map.of());
        JWT bobs = tokens(signInForCode(browser(), bob, other, false), other).getOIDCTokens().getIDToken();
        clock().advance(java.time.Duration.ofMinutes(11));   // past the ID tokens' lifetime

        Request own = request(app, Map.of("prompt", "none", "id_token_hint", adas.serialize()));
        assertThat(codeFrom(web.get(own.path()), own)).as("a hint naming the user signed in").isNotNull();
        for (String hint : List.of(bobs.serialize(), "not-a-token",
                adas.serialize().substring(0, adas.serialize().lastIndexOf('.') + 1) + "c2lnbmF0dXJl",
                adasTokens.getAccessToken().getValue())) { // her access token: signed here, naming her, no ID token
            Request silent = request(app, Map.of("prompt", "none", "id_token_hint", hint));
            assertThat(callback(web.get(silent.path())).toErrorResponse().getErrorObject().getCode()).as(hint)
                    .isEqualTo("login_required");
        }
        Request asked = request(app, Map.of("id_token_hint", bobs.serialize()));
        assertThat(codeFrom(web.get(asked.path()), asked)).as("not silent: the sign-in here answers").isNotNull();
    }

    /**
     * UserInfo without a token, or with one that is no token of this server, answers as its other refusals do: a
     * {@code Bearer} challenge (an error code only when a token was sent, RFC 6750 section 3.1), none of the JWT
     * library's wording, and no return-page cookie (a browser that signed in next landed on a 401; found by an
     * outside re-attack in stop 32).
     */
    @Test
    void userInfoWhenNoTokenOrNotOneOfOursThenABearerChallengeAndNoReturnPage() throws Exception {
        Page browsing = browser().get("/userinfo");
        assertThat(headers(browsing, "Set-Cookie")).noneMatch(cookie -> cookie.startsWith("REDIRECT_URI"));
        com.nimbusds.oauth2.sdk.http.HTTPRequest client = new com.nimbusds.oauth2.sdk.http.HTTPRequest(
                com.nimbusds.oauth2.sdk.http.HTTPRequest.Method.GET, endpoint("/userinfo"));
        client.setFollowRedirects(false);
        client.setAccept("application/json");
        HTTPResponse none = client.send();
        assertThat(none.getStatusCode()).isEqualTo(401);
        assertThat(none.getHeaderValue("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(java.util.Objects.requireNonNullElse(none.getHeaderValues("Set-Cookie"), List.<String>of()))
                .noneMatch(cookie -> cookie.startsWith("REDIRECT_URI"));
        for (String token : List.of("not-a-token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")) {
            HTTPResponse refused = new UserInfoRequest(endpoint("/userinfo"), new BearerAccessToken(token))
                    .toHTTPRequest().send();
            assertThat(refused.getStatusCode()).as(token).isEqualTo(401);
            assertThat(refused.getHeaderValue("WWW-Authenticate")).as(token).isEqualTo("Bearer error=\"invalid_token\"");
        }
    }

    @Test
    void tokenWhenCodeReusedOrTakenByAnotherClientOrVerifierMissingThenRefused() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-code");
        String app = webApp();
        String other = webApp();
        WebSession web = browser();
        Request request = request(app, Map.of());
        AuthorizationCode code = signInForCode(web, ada, request, false);

        // Another client (with its own valid secret) cannot redeem it; the code is spent by the attempt, so a thief
        // who tried it first leaves the real client nothing either.
        Request theirs = new Request(other, request.verifier(), request.nonce(), request.state(), request.path());
        assertThat(error(exchange(code, theirs, auth(other), request.verifier()))).isEqualTo("invalid_grant");
        assertThat(error(exchange(code, request, auth(app), request.verifier()))).isEqualTo("invalid_grant");

        // Without the PKCE verifier, or with another one, it is refused.
        Request second = request(app, Map.of());
        AuthorizationCode code2 = codeFrom(web.get(second.path()), second);
        assertThat(exchange(code2, second, auth(app), null).indicatesSuccess()).isFalse();
        Request third = request(app, Map.of());
        AuthorizationCode code3 = codeFrom(web.get(third.path()), third);
        assertThat(error(exchange(code3, third, auth(app), new CodeVerifier()))).isEqualTo("invalid_grant");

        // Used once, a code is spent.
        Request fourth = request(app, Map.of());
        AuthorizationCode code4 = codeFrom(web.get(fourth.path()), fourth);
        assertThat(exchange(code4, fourth, auth(app), fourth.verifier()).indicatesSuccess()).isTrue();
        assertThat(error(exchange(code4, fourth, auth(app), fourth.verifier()))).isEqualTo("invalid_grant");
    }

    /**
     * Lifetimes are checked at each use: a client registered with 2-second codes and tokens (each client carries its
     * own token settings) holds, 2 seconds on, a code that no longer exchanges, an access token that UserInfo and
     * introspection refuse, and a refresh token that no longer refreshes.
     */
    @Test
    void tokensWhenTheirLifetimeIsOverThenCodeAccessAndRefreshTokensAreRefused() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-expiry");
        String app = "short-lived-" + UUID.randomUUID();
        OidcClients clients = ctx.getBean(OidcClients.class);
        java.time.Duration lifetime = java.time.Duration.ofSeconds(2);
        clients.save(clients.client(app, ClientSecrets.ENCODER.encode(secret(app)))
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri(CALLBACK.toString()).scope("openid").scope("email").scope("profile")
                .tokenSettings(org.springframework.security.oauth2.server.authorization.settings.TokenSettings
                        .withSettings(clients.tokenSettings().getSettings())
                        .authorizationCodeTimeToLive(lifetime).accessTokenTimeToLive(lifetime)
                        .refreshTokenTimeToLive(lifetime).build())
                .build());
        WebSession web = browser();
        Request first = request(app, Map.of());
        OIDCTokenResponse tokens = tokens(signInForCode(web, ada, first, false), first);
        BearerAccessToken access = (BearerAccessToken) tokens.getOIDCTokens().getAccessToken();
        assertThat(access.getLifetime()).isBetween(1L, lifetime.toSeconds());
        Request second = request(app, Map.of());
        AuthorizationCode unused = codeFrom(web.get(second.path()), second);
        assertThat(UserInfoResponse.parse(new UserInfoRequest(endpoint("/userinfo"), access).toHTTPRequest().send())
                .indicatesSuccess()).as("before it expires").isTrue();

        Thread.sleep(lifetime.toMillis() + 200);

        assertThat(error(exchange(unused, second, auth(app), second.verifier()))).isEqualTo("invalid_grant");
        UserInfoResponse info = UserInfoResponse.parse(new UserInfoRequest(endpoint("/userinfo"), access)
                .toHTTPRequest().send());
        assertThat(info.indicatesSuccess()).isFalse();
        assertThat(info.toErrorResponse().getErrorObject().getHTTPStatusCode()).isEqualTo(401);
        assertThat(introspect(app, access.getValue()).isActive()).isFalse();
        assertThat(error(refresh(app, tokens.getOIDCTokens().getRefreshToken()))).isEqualTo("invalid_grant");
    }

    @Test
    void publicClientWhenNoPkceThenRefusedAndWithPkceThenTokens() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-spa");
        String spa = "spa-" + UUID.randomUUID();
        OidcClients clients = ctx.getBean(OidcClients.class);
        RegisteredClient registered = clients.client(spa, null).redirectUri(CALLBACK.toString())
                .scope("openid").scope("email").scope("profile").build();
        assertThat(registered.getClientAuthenticationMethods()).containsExactly(ClientAuthenticationMethod.NONE);
        clients.save(registered);
        WebSession web = browser();
        Request request = request(spa, Map.of());
        AuthorizationCode code = signInForCode(web, ada, request, false);
        assertThat(exchange(code, request, null, null).indicatesSuccess()).isFalse();

        Request again = request(spa, Map.of());
        AuthorizationCode code2 = codeFrom(web.get(again.path()), again);
        assertThat(exchange(code2, again, null, again.verifier()).indicatesSuccess()).isTrue();

        // A request without a code challenge is refused at the authorization endpoint.
        String noChallenge = again.path().replaceAll("&code_challenge(_method)?=[^&]*", "");
        AuthorizationResponse refused = callback(web.get(noChallenge));
        assertThat(refused.indicatesSuccess()).isFalse();
    }

    /**
     * PKCE as RFC 7636 writes it: a verifier of 43 to 128 characters, and a challenge that is an S256 hash. Spring's
     * endpoint only compared the verifier's hash with the challenge, so a public client's three-character verifier got
     * tokens (noticed in stop 32), and a code it lost could be exchanged by trying every short verifier. Now the code
     * is not exchanged for such a verifier, and a challenge that cannot be an S256 hash is refused
     * at the authorization endpoint, back at the application.
     */
    @Test
    void publicClientWhenTheVerifierOrChallengeIsNotAsRfc7636WritesItThenRefused() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-spa-pkce");
        String spa = "spa-" + UUID.randomUUID();
        OidcClients clients = ctx.getBean(OidcClients.class);
        clients.save(clients.client(spa, null).redirectUri(CALLBACK.toString())
                .scope("openid").scope("email").scope("profile").build());
        WebSession web = browser();
        String shortVerifier = "abc";
        String itsChallenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(shortVerifier.getBytes(StandardCharsets.US_ASCII)));
        Request asked = request(spa, Map.of());
        Request withShort = new Request(spa, asked.verifier(), asked.nonce(), asked.state(),
                asked.path().replaceAll("code_challenge=[^&]*", "code_challenge=" + itsChallenge));
        AuthorizationCode code = signInForCode(web, ada, withShort, false);

        HTTPRequest exchange = new TokenRequest(endpoint("/oauth2/token"),
                new ClientID(spa), new AuthorizationCodeGrant(code, CALLBACK, asked.verifier())).toHTTPRequest();
        exchange.setBody(exchange.getBody().replace("code_verifier=" + asked.verifier().getValue(),
                "code_verifier=" + shortVerifier));
        TokenResponse refused = OIDCTokenResponseParser.parse(exchange.send());
        assertThat(error(refused)).isEqualTo("invalid_request");
        assertThat(((TokenErrorResponse) refused).getErrorObject().getDescription()).contains("RFC 7636");
        exchange.setBody(exchange.getBody().replace("code_verifier=" + shortVerifier, "code_verifier=abd"));
        assertThat(error(OIDCTokenResponseParser.parse(exchange.send()))).as("one that does not match: the same answer")
                .isEqualTo("invalid_request");

        // A confidential client's verifier given twice: the same refusal (it was a 500 with a stack trace in the log:
        // found by an outside attack in stop 33), and the code still works with the verifier given once.
        String app = webApp();
        Request confidential = request(app, Map.of());
        AuthorizationCode itsCode = signInForCode(browser(), ada, confidential, false);
        HTTPRequest twice = new TokenRequest(endpoint("/oauth2/token"), auth(app),
                new AuthorizationCodeGrant(itsCode, CALLBACK, confidential.verifier())).toHTTPRequest();
        twice.setBody(twice.getBody() + "&code_verifier=" + confidential.verifier().getValue());
        HTTPResponse twiceAnswer = twice.send();
        assertThat(twiceAnswer.getStatusCode()).isEqualTo(400);
        assertThat(error(OIDCTokenResponseParser.parse(twiceAnswer))).isEqualTo("invalid_request");
        // Any parameter given twice, at any endpoint where an application authenticates: a code with a public
        // client's id alone, a verifier at introspection (both were a 500 with a stack trace: the re-attack of stop 33).
        HTTPRequest codeTwice = new HTTPRequest(HTTPRequest.Method.POST, endpoint("/oauth2/token"));
        codeTwice.setEntityContentType(com.nimbusds.common.contenttype.ContentType.APPLICATION_URLENCODED);
        codeTwice.setBody("grant_type=authorization_code&client_id=" + spa + "&code=a&code=b&redirect_uri="
                + enc(CALLBACK.toString()) + "&code_verifier=" + asked.verifier().getValue());
        assertThat(error(OIDCTokenResponseParser.parse(codeTwice.send()))).isEqualTo("invalid_request");
        HTTPRequest introspectTwice = new TokenIntrospectionRequest(endpoint("/oauth2/introspect"), auth(app),
                new BearerAccessToken("x")).toHTTPRequest();
        introspectTwice.setBody(introspectTwice.getBody() + "&grant_type=authorization_code&code=" + itsCode.getValue()
                + "&code_verifier=" + confidential.verifier().getValue() + "&code_verifier="
                + confidential.verifier().getValue());
        HTTPResponse introspectAnswer = introspectTwice.send();
        assertThat(introspectAnswer.getStatusCode()).isEqualTo(400);
        assertThat(introspectAnswer.getBody()).contains("invalid_request");
        assertThat(tokens(itsCode, confidential).getOIDCTokens().getIDToken()).isNotNull();

        Request plain = request(spa, Map.of());
        AuthorizationResponse notAHash = callback(web.get(plain.path()
                .replaceAll("code_challenge=[^&]*", "code_challenge=" + shortVerifier)));
        assertThat(notAHash.indicatesSuccess()).isFalse();
        assertThat(notAHash.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_request");
        assertThat(callback(browser().get(plain.path().replaceAll("code_challenge=[^&]*",
                "code_challenge=" + itsChallenge + "x"))).indicatesSuccess()).as("before signing in too").isFalse();
    }

    // --- Prompts and step-up ----------------------------------------------------------------------------------------

    /**
     * The code goes back in the query only: a request for another response mode is refused at the callback, signed
     * in or not, and gets no code (it was answered in the query all the same, where the application did not expect it).
     */
    @Test
    void authorizeWhenAnotherResponseModeThanQueryIsAskedThenInvalidRequestAndNoCode() throws Exception {
        String app = webApp();
        TwoFactorUser ada = twoFactorUser("oidc-response-mode");
        WebSession web = browser();
        signInForCode(web, ada, request(app, Map.of()), false);
        for (String mode : List.of("form_post", "fragment", "query.jwt")) {
            Request request = request(app, Map.of());
            for (WebSession who : List.of(web, browser())) {
                AuthorizationResponse refused = callback(who.get(request.path() + "&response_mode=" + mode));
                assertThat(refused.indicatesSuccess()).as(mode).isFalse();
                assertThat(refused.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_request");
                assertThat(refused.toErrorResponse().getErrorObject().getDescription())
                        .isEqualTo("response_mode not supported");
                assertThat(refused.getState()).isEqualTo(request.state());
            }
        }
        assertThat(callback(web.get(request(app, Map.of()).path() + "&response_mode=query")).indicatesSuccess())
                .as("the one mode there is, named").isTrue();
        // Given twice, it is refused like any parameter read (the filter read the first, found by an outside attack).
        assertThat(web.get(request(app, Map.of()).path() + "&response_mode=query&response_mode=form_post").status())
                .isEqualTo(400);
    }

    @Test
    void promptNoneWhenNotSignedInThenLoginRequiredAtTheCallback() throws Exception {
        String app = webApp();
        Request request = request(app, Map.of("prompt", "none"));
        AuthorizationResponse response = callback(browser().get(request.path()));
        assertThat(response.indicatesSuccess()).isFalse();
        assertThat(response.toErrorResponse().getErrorObject().getCode()).isEqualTo("login_required");
        assertThat(response.getState()).isEqualTo(request.state());

        // A state that looks like more parameters stays one value: nothing is added to the client's callback.
        String tricky = request.path().replace("state=" + request.state().getValue(), "state=x%26code%3Dforged");
        AuthorizationResponse forged = callback(browser().get(tricky));
        assertThat(forged.indicatesSuccess()).isFalse();
        assertThat(forged.getState().getValue()).isEqualTo("x&code=forged");
    }

    /**
     * Signs in once through {@code app} with "Remember this device", signs out, and signs in again through it: the
     * password alone, the factor spared by the trusted device. Returns that second, plain authorization request.
     */
    Request signedInOnATrustedDevice(WebSession web, TwoFactorUser user, String app) throws Exception {
        signInForCode(web, user, request(app, Map.of()), true);
        web.get("/settings/security");
        web.post("/signout", Map.of());
        Request plain = request(app, Map.of());
        assertThat(web.get(plain.path()).location()).isEqualTo("/signin");
        assertThat(signIn(web, user.email(), PASSWORD).location()).as("trusted device: no factor")
                .isEqualTo(plain.path());
        return plain;
    }

    @Test
    void stepUpWhenTrustedDeviceThenFactorAskedForMfaNowAndPromptNoneSaysInteractionRequired() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-stepup");
        String app = webApp();
        WebSession web = browser();
        Request plain = signedInOnATrustedDevice(web, ada, app);
        IDTokenClaimsSet device = validated(tokens(codeFrom(web.get(plain.path()), plain), plain)
                .getOIDCTokens().getIDToken(), plain);
        assertThat(device.getAMR()).extracting(AMR::getValue).containsExactly("pwd", "x-trusted-device");
        assertThat(device.getACR()).isEqualTo(new ACR("urn:gatehouse:acr:mfa"));

        Request silent = request(app, Map.of("prompt", "none", "acr_values", MFA_NOW));
        AuthorizationResponse refused = callback(web.get(silent.path()));
        assertThat(refused.toErrorResponse().getErrorObject().getCode()).isEqualTo("interaction_required");

        Request stepUp = request(app, Map.of("acr_values", MFA_NOW));
        assertThat(web.get(stepUp.path()).location()).isEqualTo("/signin/verify");
        // Until the factor is proved, the session is not signed in: it waits for the second step.
        assertThat(web.get("/signin/verify").status()).isEqualTo(200);
        Page proved = code(web, ada, false);
        assertThat(proved.location()).isEqualTo(stepUp.path());
        IDTokenClaimsSet now = validated(tokens(codeFrom(web.get(stepUp.path()), stepUp), stepUp)
                .getOIDCTokens().getIDToken(), stepUp);
        assertThat(now.getAMR()).extracting(AMR::getValue).containsExactly("pwd", "x-trusted-device", "otp", "mfa");
        assertThat(now.getACR()).isEqualTo(new ACR(MFA_NOW));
        // The same sign-in, stepped up: its password time does not move.
        assertThat(now.getAuthenticationTime()).isEqualTo(device.getAuthenticationTime());
        assertThat(auditTypes(ada.id())).contains(AuditEventType.REAUTHENTICATED);
    }

    /**
     * A method added beside others proves none of them: it never meets a step-up (found by an outside attack: past the
     * step-up window but within "Confirm it's you"'s, the password and a new security key of one's own gave mfa-now).
     */
    @Test
    void stepUpWhenANewMethodWasAddedBesideAnotherThenAFactorIsStillAsked() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-stepup-added");
        String app = webApp();
        WebSession web = browser();
        signInForCode(web, ada, request(app, Map.of()), false);
        clock().advance(java.time.Duration.ofMinutes(6));   // past the step-up window, within re-confirmation's
        web.get("/settings/confirm?next=/settings/security");
        assertThat(web.post("/settings/confirm", Map.of("password", PASSWORD, "next", "/settings/security"))
                .location()).isEqualTo("/settings/security");
        assertThat(web.post("/settings/two-factor/email", Map.of("destination", ada.email())).location())
                .isEqualTo("/settings/two-factor/email/verify");
        String code = new dev.gatehouse.testsupport.SentCodes(ctx).awaitCode(ada.email(), 1);
        assertThat(web.post("/settings/two-factor/email/verify", Map.of("code", code)).location())
                .as("not the first method: no new backup codes").isEqualTo("/settings/security");
        // Not asked for first at the next sign-in (the app stays primary), and the words say so.
        assertThat(text(web.get("/settings/security"))).contains("Email codes are on. When you sign in, choose them")
                .doesNotContain("From now on we'll email you a code");

        Request stepUp = request(app, Map.of("acr_values", MFA_NOW));
        assertThat(web.get(stepUp.path()).location()).isEqualTo("/signin/verify");
    }

    @Test
    void stepUpWhenAskedByPostOrAnotherSpellingOfThePathThenTheFactorIsAskedAllTheSame() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-stepup-bypass");
        String app = webApp();
        WebSession web = browser();
        Request plain = signedInOnATrustedDevice(web, ada, app);

        // The same step-up request with the path spelled with an escaped letter: Spring's endpoint answers it too.
        Request encoded = request(app, Map.of("acr_values", MFA_NOW));
        assertThat(web.get(encoded.path().replace("/oauth2/authorize", "/oauth2/%61uthorize")).location())
                .isEqualTo("/signin/verify");

        // And as a form POST, which the endpoint also accepts: asked for the factor, resumed as a GET.
        web.post("/signout", Map.of());
        web.get(plain.path());
        signIn(web, ada.email(), PASSWORD);
        Request posted = request(app, Map.of("acr_values", MFA_NOW));
        Map<String, String> form = new java.util.LinkedHashMap<>();
        for (String pair : posted.path().substring(posted.path().indexOf('?') + 1).split("&")) {
            String[] nameValue = pair.split("=", 2);
            form.put(java.net.URLDecoder.decode(nameValue[0], java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(nameValue[1], java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(web.postRaw("/oauth2/authorize", form).location()).isEqualTo("/signin/verify");
        Page proved = code(web, ada, false);
        assertThat(proved.location()).startsWith("/oauth2/authorize?").contains("acr_values=");
        IDTokenClaimsSet now = validated(tokens(codeFrom(web.get(proved.location()), posted), posted)
                .getOIDCTokens().getIDToken(), posted);
        assertThat(now.getACR()).isEqualTo(new ACR(MFA_NOW));
    }

    @Test
    void promptLoginWhenSignedInOnATrustedDeviceThenPasswordAndFactorAskedAgain() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-login");
        String app = webApp();
        WebSession web = browser();
        signInForCode(web, ada, request(app, Map.of()), true);

        Request login = request(app, Map.of("prompt", "login"));
        assertThat(web.get(login.path()).location()).isEqualTo("/signin");
        // Trusted device or not, the factor is asked; and still when the password is posted again at the code step
        // (found by an outside attack: the second password skipped the factor on the trusted device).
        assertThat(signIn(web, ada.email(), PASSWORD).location()).isEqualTo("/signin/verify");
        web.get("/signin");
        assertThat(signIn(web, ada.email(), PASSWORD).location()).isEqualTo("/signin/verify");
        Page proved = code(web, ada, false);
        String resumed = proved.location();
        assertThat(resumed).doesNotContain("prompt=");
        assertThat(codeFrom(web.get(resumed), login)).isNotNull();

        // max_age older than the sign-in asks again the same way.
        clock().advance(java.time.Duration.ofMinutes(2));
        Request old = request(app, Map.of("max_age", "60"));
        assertThat(web.get(old.path()).location()).isEqualTo("/signin");
    }

    @Test
    void authorizeWhenTheSessionOutlivedItsAbsoluteLifetimeThenSignInAgain() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-expired");
        String app = webApp();
        WebSession web = browser();
        signInForCode(web, ada, request(app, Map.of()), false);
        clock().advance(ctx.getBean(dev.gatehouse.signin.SessionProperties.class).absoluteLifetime());
        Request later = request(app, Map.of());
        assertThat(web.get(later.path()).location()).startsWith("/signin");
        assertThat(web.get("/settings/security").location()).startsWith("/signin");
    }

    // --- What ends a sign-in ends the application's tokens --------------------------------------------------------

    @Test
    void refreshWhenUserSignedOutEverywhereThenRefused() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-everywhere");
        String app = webApp();
        WebSession web = browser();
        RefreshToken refresh = refreshTokenOfASignIn(web, ada, app);
        web.get("/settings/security");
        assertThat(web.post("/settings/signout-everywhere", Map.of()).status()).isEqualTo(302);
        assertThat(refresh(app, refresh).indicatesSuccess()).isFalse();
        assertThat(auditTypes(ada.id())).contains(AuditEventType.SIGN_OUT_EVERYWHERE);
    }

    /**
     * Two applications signed in in one browser, each signing out in turn: the first ends the sign-in and what both
     * hold; the second's ID token is then no longer held, and its sign-out goes back to its page all the same, with
     * its state, ending nothing more (it was a bare 400: found by the outside attack of stop 36). Its page is still
     * checked against the ones it registered, and its ID token against the application named.
     */
    @Test
    void logoutWhenASecondApplicationSignsOutAfterTheSignInEndedThenBackToItsPageAndNothingMoreEnds()
            throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-logout-second");
        String app = webApp();
        String other = webApp();
        WebSession web = browser();
        com.nimbusds.openid.connect.sdk.token.OIDCTokens first = appTokens(web, ada, app);
        com.nimbusds.openid.connect.sdk.token.OIDCTokens second = appTokens(web, ada, other);
        RefreshToken elsewhere = refreshTokenOfASignIn(browser(), ada, other);

        appSignsOut(web, first);
        String back = "&post_logout_redirect_uri=" + enc("https://app.example/signed-out");
        Page out = web.get("/connect/logout?id_token_hint=" + second.getIDTokenString() + back + "&state=bye");
        assertThat(out.header("Location").orElseThrow()).isEqualTo("https://app.example/signed-out?state=bye");
        assertThat(web.get("/connect/logout?id_token_hint=" + second.getIDTokenString()
                + "&post_logout_redirect_uri=" + enc("https://evil.example/")).status())
                .as("a page it did not register").isEqualTo(400);
        assertThat(web.get("/connect/logout?id_token_hint=" + second.getIDTokenString() + "&client_id=" + app + back)
                .status()).as("another application named").isEqualTo(400);
        assertThat(refresh(other, elsewhere).indicatesSuccess()).as("its tokens in another browser").isTrue();
        WebSession bobs = signedIn(users().create("oidc-logout-second-bob").email(), PASSWORD);
        assertThat(bobs.get("/connect/logout?id_token_hint=" + second.getIDTokenString() + back).status())
                .as("from a browser signed in as someone else").isEqualTo(400);
        assertThat(bobs.get("/settings/security").status()).isEqualTo(200);

        // The page's "Sign out" first, then an application's: the same.
        WebSession again = browser();
        com.nimbusds.openid.connect.sdk.token.OIDCTokens held = appTokens(again, ada, app);
        again.get("/settings/security");
        again.post("/signout", Map.of());
        assertThat(again.get("/connect/logout?id_token_hint=" + held.getIDTokenString() + back).header("Location")
                .orElseThrow()).isEqualTo("https://app.example/signed-out");
    }

    /**
     * An application whose authorization went while its sign-in goes on (a refresh token used twice ended it) signs
     * the browser out all the same, with what the sign-in holds: taken for an ended sign-in's token, the sign-out only
     * went back to the application, and the browser stayed signed in (found by the re-attack of stop 36).
     */
    @Test
    void logoutWhenTheApplicationsAuthorizationEndedButTheSignInGoesOnThenTheBrowserIsSignedOut() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-logout-reused");
        String app = webApp();
        String other = webApp();
        WebSession web = browser();
        com.nimbusds.openid.connect.sdk.token.OIDCTokens mine = appTokens(web, ada, app);
        com.nimbusds.openid.connect.sdk.token.OIDCTokens theirs = appTokens(web, ada, other);
        assertThat(refresh(app, mine.getRefreshToken()).indicatesSuccess()).isTrue();
        assertThat(error(refresh(app, mine.getRefreshToken()))).as("used twice: its authorization ends")
                .isEqualTo("invalid_grant");
        assertThat(web.get("/settings/security").status()).as("the sign-in goes on").isEqualTo(200);

        appSignsOut(web, mine);
        assertThat(web.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(error(refresh(other, theirs.getRefreshToken()))).as("another application's of the sign-in")
                .isEqualTo("invalid_grant");
    }

    /**
     * The page's "Sign out" ends the browser's sign-in and what every application was granted in it. Before, it ended
     * the browser session only: the tokens went on and were listed nowhere, so someone with a copy of the session
     * could take an application's tokens and sign out, leaving the owner nothing to see or end (noticed in stop 33).
     * The user's other browsers keep theirs.
     */
    @Test
    void refreshWhenTheUserSignsOutThenEveryApplicationsTokensOfThatSignInEndAndOtherBrowsersGoOn() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-signout");
        String app = webApp();
        String other = webApp();
        WebSession web = browser();
        com.nimbusds.openid.connect.sdk.token.OIDCTokens mine = appTokens(web, ada, app);
        com.nimbusds.openid.connect.sdk.token.OIDCTokens theirs = appTokens(web, ada, other);
        Request later = request(app, Map.of());
        AuthorizationCode unexchanged = codeFrom(web.get(later.path()), later);
        WebSession elsewhere = browser();
        RefreshToken kept = refreshTokenOfASignIn(elsewhere, ada, app);

        web.get("/settings/security");
        assertThat(web.post("/signout", Map.of()).location()).isEqualTo("/signin?signedOut");
        assertThat(error(refresh(app, mine.getRefreshToken()))).isEqualTo("invalid_grant");
        assertThat(error(refresh(other, theirs.getRefreshToken()))).as("another application's")
                .isEqualTo("invalid_grant");
        assertThat(introspect(other, theirs.getAccessToken().getValue()).isActive()).as("its access token").isFalse();
        assertThat(exchange(unexchanged, later, auth(app), later.verifier()).indicatesSuccess())
                .as("a code issued in it").isFalse();
        assertThat(refresh(app, kept).indicatesSuccess()).as("the other browser's sign-in").isTrue();
        assertThat(elsewhere.get("/settings/security").status()).isEqualTo(200);
        assertThat(auditTypes(ada.id())).contains(AuditEventType.SIGN_OUT);
    }

    /**
     * A browser that an application signed out for a new sign-in ({@code prompt=login}), signed out before finishing
     * it: the sign-in it was to continue ends, with its applications' tokens (they went on, listed nowhere).
     */
    @Test
    void refreshWhenABrowserWaitingForANewSignInIsSignedOutThenTheTokensOfItsSignInEnd() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-signout-waiting");
        String app = webApp();
        WebSession web = browser();
        RefreshToken before = refreshTokenOfASignIn(web, ada, app);
        Request again = request(app, Map.of("prompt", "login"));
        assertThat(web.get(again.path()).location()).isEqualTo("/signin");
        web.get("/signin");
        assertThat(web.post("/signout", Map.of()).location()).isEqualTo("/signin?signedOut");
        assertThat(error(refresh(app, before))).isEqualTo("invalid_grant");
        assertThat(auditTypes(ada.id())).contains(AuditEventType.SIGN_OUT);
    }

    /**
     * A browser signed in by a reset link and the second factor is granted nothing before its new password: silently
     * asked, {@code interaction_required}; asked plainly, the new-password form first, then the request goes on.
     */
    @Test
    void authorizeWhenSignedInByAResetLinkBeforeTheNewPasswordThenTheFormFirstAndThenTheCode() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-reset-first");
        String app = webApp();
        WebSession asker = browser();
        asker.get("/signin/forgot");
        asker.post("/signin/forgot", Map.of("email", ada.email()));
        String link = path(mail().await(ada.email(), "Reset your").link("/signin/reset/"));
        WebSession web = browser();
        web.get(link);
        web.post(link, Map.of());
        assertThat(code(web, ada, false).location()).isEqualTo("/signin/reset");

        Request silent = request(app, Map.of("prompt", "none"));
        AuthorizationResponse none = callback(web.get(silent.path()));
        assertThat(none.indicatesSuccess()).isFalse();
        assertThat(none.toErrorResponse().getErrorObject().getCode()).isEqualTo("interaction_required");
        Request request = request(app, Map.of());
        assertThat(web.get(request.path()).location()).isEqualTo("/signin/reset");

        web.get("/signin/reset");
        Page done = web.post("/signin/reset", Map.of("newPassword", "a whole new passphrase",
                "confirmPassword", "a whole new passphrase"));
        assertThat(done.location()).as("the application's request goes on").isEqualTo(request.path());
        assertThat(tokens(codeFrom(web.get(done.location()), request), request).getOIDCTokens().getIDToken())
                .isNotNull();
    }

    /** Signs the browser in through the application's authorization request; the refresh token it was given. */
    private RefreshToken refreshTokenOfASignIn(WebSession web, TwoFactorUser user, String app) throws Exception {
        Request request = request(app, Map.of());
        return tokens(signInForCode(web, user, request, false), request).getOIDCTokens().getRefreshToken();
    }

    /**
     * Sessions &gt; Sign out of the other session last active (the other sessions are listed newest first; the oldest
     * is the one that set the user's method up).
     */
    private static void signOutTheLatestOtherSession(WebSession web) {
        List<String> others = SessionsFlowTests.handles(web.get("/settings/security"));
        assertThat(web.post("/settings/sessions/sign-out", Map.of("session", others.get(0))).status())
                .isEqualTo(302);
    }

    /**
     * Signing out one other session (Sessions &gt; Sign out) ends what applications were granted in that session, and
     * only that: before, a thief's copy of a session kept refreshing an application's tokens after the owner signed
     * the session out.
     */
    @Test
    void refreshWhenTheSessionItWasGrantedInIsSignedOutFromAnotherThenRefusedAndTheOthersGoOn() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-one-session");
        String app = webApp();
        WebSession thief = browser();
        Request stolenRequest = request(app, Map.of());
        OIDCTokenResponse stolen = tokens(signInForCode(thief, ada, stolenRequest, false), stolenRequest);
        Request later = request(app, Map.of());
        AuthorizationCode unexchanged = codeFrom(thief.get(later.path()), later);
        WebSession owner = browser();
        RefreshToken own = refreshTokenOfASignIn(owner, ada, app);
        signOutTheLatestOtherSession(owner);

        // Deleted with the sign-in, before any use could refuse (and delete) them: only the owner's is left. The
        // application's sign-out with the ended session's ID token goes back to the application and ends nothing: the
        // browser that sends it stays signed in.
        assertThat(jdbc().sql("select count(*) from oauth2_authorization where principal_name = ?")
                .param(ada.id().toString()).query(Long.class).single()).as("authorizations left").isEqualTo(1);
        assertThat(owner.get("/connect/logout?id_token_hint=" + stolen.getOIDCTokens().getIDTokenString()
                + "&post_logout_redirect_uri=" + enc("https://app.example/signed-out")).header("Location").orElseThrow())
                .as("sign-out with the ended session's ID token").isEqualTo("https://app.example/signed-out");
        assertThat(owner.get("/settings/security").status()).isEqualTo(200);
        assertThat(error(refresh(app, stolen.getOIDCTokens().getRefreshToken()))).isEqualTo("invalid_grant");
        assertThat(exchange(unexchanged, later, auth(app), later.verifier()).indicatesSuccess())
                .as("a code issued in it").isFalse();
        assertThat(introspect(app, stolen.getOIDCTokens().getAccessToken().getValue()).isActive())
                .as("its access token, introspected").isFalse();
        assertThat(UserInfoResponse.parse(new UserInfoRequest(endpoint("/userinfo"),
                (BearerAccessToken) stolen.getOIDCTokens().getAccessToken()).toHTTPRequest().send())
                .indicatesSuccess()).as("its access token at UserInfo").isFalse();
        assertThat(refresh(app, own).indicatesSuccess()).as("the owner's session's tokens go on").isTrue();
        assertThat(thief.get("/settings/security").location()).startsWith("/signin");
    }

    /**
     * An application's demand for a new sign-in ({@code prompt=login}) signs the same browser session in again: still
     * one session in the list, so its "Sign out" ends what applications got before the re-sign-in too (found by an
     * outside attack in stop 34: the first refresh token kept working).
     */
    @Test
    void refreshWhenTheSessionWasSignedInAgainForAnApplicationAndIsThenSignedOutFromAnotherThenBothRefused()
            throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-again-one-session");
        String app = webApp();
        WebSession there = browser();
        RefreshToken before = refreshTokenOfASignIn(there, ada, app);
        Request again = request(app, Map.of("prompt", "login"));
        assertThat(there.get(again.path()).location()).isEqualTo("/signin");
        assertThat(signIn(there, ada.email(), PASSWORD).location()).isEqualTo("/signin/verify");
        RefreshToken after = tokens(codeFrom(there.get(code(there, ada, false).location()), again), again)
                .getOIDCTokens().getRefreshToken();

        WebSession owner = browser();
        RefreshToken own = refreshTokenOfASignIn(owner, ada, app);
        signOutTheLatestOtherSession(owner);
        assertThat(there.get("/settings/security").location()).startsWith("/signin");
        assertThat(error(refresh(app, after))).as("granted after the re-sign-in").isEqualTo("invalid_grant");
        assertThat(error(refresh(app, before))).as("granted before it").isEqualTo("invalid_grant");
        assertThat(refresh(app, own).indicatesSuccess()).as("the owner's session's tokens go on").isTrue();
    }

    /**
     * A re-sign-in continues the browser session's sign-in only for the same user: when someone else signs in at the
     * application's {@code prompt=login}, theirs is a sign-in of its own, and the first user's sign-in in that browser
     * ends with what it was granted (since stop 36: before, it went on, listed nowhere and ended by no sign-out).
     * The first user's sign-in in another browser goes on.
     */
    @Test
    void promptLoginWhenAnotherUserSignsInThenTheirSignInIsTheirOwnAndTheFirstUsersEnds() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-again-ada");
        var bob = users().create("oidc-again-bob");
        String app = webApp();
        WebSession shared = browser();
        RefreshToken adas = refreshTokenOfASignIn(shared, ada, app);
        RefreshToken adasElsewhere = refreshTokenOfASignIn(browser(), ada, app);
        Request again = request(app, Map.of("prompt", "login"));
        assertThat(shared.get(again.path()).location()).isEqualTo("/signin");
        Page signedIn = signIn(shared, bob.email(), PASSWORD);
        RefreshToken bobs = tokens(codeFrom(shared.get(signedIn.location()), again), again).getOIDCTokens()
                .getRefreshToken();
        assertThat(error(refresh(app, adas))).as("Ada's, from the sign-in Bob's replaced").isEqualTo("invalid_grant");

        signOutTheLatestOtherSession(signedIn(bob.email(), PASSWORD));
        assertThat(error(refresh(app, bobs))).as("Bob's, granted in the session ended").isEqualTo("invalid_grant");
        assertThat(refresh(app, adasElsewhere).indicatesSuccess()).as("Ada's other browser's").isTrue();
    }

    /**
     * Someone else's password posted on a copy of a signed-in session ends the sign-in it replaces: before, it only
     * took the session's place, so what applications were granted in it went on, and no sign-out of either user could
     * end it (outside attack, stop 36: a copied cookie, an application's tokens taken with it, the attacker's own
     * password posted on it, a sign-out; the victim, signed out, signed in and out again, and the tokens still
     * refreshed). The same when the password step is not finished.
     */
    @Test
    void refreshWhenSomeoneElsesPasswordIsPostedOnASignedInSessionThenTheSignInItReplacesEnds() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-replaced-ada");
        TwoFactorUser eve = twoFactorUser("oidc-replaced-eve");
        String app = webApp();
        WebSession web = browser(); // the attacker's copy of Ada's cookie, or a shared computer
        RefreshToken adas = refreshTokenOfASignIn(web, ada, app);
        web.get("/settings/security");
        assertThat(web.post("/signin", Map.of("email", eve.email(), "password", PASSWORD)).location())
                .isEqualTo("/signin/verify");
        assertThat(error(refresh(app, adas))).as("before Eve's second step").isEqualTo("invalid_grant");
        assertThat(auditTypes(ada.id())).as("on Ada's activity").contains(AuditEventType.SIGN_OUT);
    }

    /**
     * Refresh tokens rotate, each for another full lifetime; the sign-in they came from bounds them: past the browser
     * session's absolute lifetime from the password, a refresh is refused and the application must send the user to
     * sign in again.
     */
    @Test
    void refreshWhenTheSignInIsOlderThanASessionsAbsoluteLifetimeThenRefused() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-refresh-bound");
        String app = webApp();
        Request request = request(app, Map.of());
        RefreshToken first = refreshToken(ada, request);
        java.time.Duration bound = ctx.getBean(dev.gatehouse.signin.SessionProperties.class).absoluteLifetime();
        clock().advance(bound.minusMinutes(1));
        TokenResponse renewed = refresh(app, first);
        assertThat(renewed.indicatesSuccess()).as(String.valueOf(renewed)).isTrue();
        RefreshToken second = renewed.toSuccessResponse().getTokens().getRefreshToken();
        clock().advance(java.time.Duration.ofMinutes(1));
        assertThat(error(refresh(app, second))).isEqualTo("invalid_grant");
        assertThat(error(refresh(app, second))).as("the authorization is gone").isEqualTo("invalid_grant");
    }

    @Test
    void refreshWhenPasswordChangedOrTwoStepVerificationResetThenRefused() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-password");
        String app = webApp();
        WebSession web = browser();
        Request request = request(app, Map.of());
        RefreshToken first = tokens(signInForCode(web, ada, request, false), request).getOIDCTokens()
                .getRefreshToken();
        web.get("/settings/security");
        String changed = "a brand new passphrase " + UUID.randomUUID();
        Page done = web.post("/settings/password", Map.of("currentPassword", PASSWORD, "newPassword", changed,
                "confirmPassword", changed));
        assertThat(done.location()).isEqualTo("/settings/security");
        assertThat(error(refresh(app, first))).isEqualTo("invalid_grant");
        assertThat(auditTypes(ada.id())).contains(AuditEventType.PASSWORD_CHANGED);

        // A second application's tokens, then an admin resets the user's two-step verification.
        Request again = request(app, Map.of());
        RefreshToken second = tokens(codeFrom(web.get(again.path()), again), again).getOIDCTokens()
                .getRefreshToken();
        assertThat(refresh(app, second).indicatesSuccess()).isTrue();
        TwoFactorUser other = twoFactorUser("oidc-reset");
        Request theirs = request(app, Map.of());
        RefreshToken reset = tokens(signInForCode(browser(), other, theirs, false), theirs).getOIDCTokens()
                .getRefreshToken();
        ctx.getBean(dev.gatehouse.factor.FactorService.class).resetByAdmin(other.user().user(), ada.user().user(),
                other.user().accountId(), "their account", dev.gatehouse.system.ClientInfo.SYSTEM);
        assertThat(error(refresh(app, reset))).isEqualTo("invalid_grant");
        assertThat(auditTypes(other.id())).contains(AuditEventType.TWO_FACTOR_RESET);
    }

    @Test
    void authorizeWhenTheAccountRequiresTwoStepVerificationThenSetUpFirstThenBackToTheApplication()
            throws Exception {
        dev.gatehouse.testsupport.TestUsers.Created bob = users().create("oidc-setup");
        java.util.Set<String> all = java.util.Set.of("TOTP", "EMAIL", "SMS", "WEBAUTHN");
        ctx.getBean(dev.gatehouse.account.SecurityRulesService.class).save(bob.accountId(), bob.user(), true, 0, all,
                dev.gatehouse.account.DeviceTrustPeriod.ONE_DAY, all, dev.gatehouse.system.ClientInfo.SYSTEM);
        String app = webApp();
        WebSession web = browser();
        Request request = request(app, Map.of());
        assertThat(web.get(request.path()).location()).isEqualTo("/signin");
        assertThat(signIn(web, bob.email(), PASSWORD).location()).isEqualTo(request.path());
        assertThat(web.get(request.path()).location()).isEqualTo("/settings/security#two-factor");
        // Asked silently, the application hears that the user must act.
        Request silent = request(app, Map.of("prompt", "none"));
        assertThat(callback(web.get(silent.path())).toErrorResponse().getErrorObject().getCode())
                .isEqualTo("interaction_required");

        // The set-up, as a person does it (the silent request above did not replace the page to return to).
        web.get(request.path());
        web.get("/settings/confirm?next=" + SETUP);
        web.post("/settings/confirm", Map.of("password", PASSWORD, "next", SETUP));
        dev.gatehouse.testsupport.AuthenticatorApp phone = dev.gatehouse.testsupport.AuthenticatorApp
                .fromSetupPage(web.get(SETUP).body());
        nextStep();
        assertThat(web.post(SETUP, Map.of("code", phone.code(clock().instant()))).location())
                .isEqualTo("/settings/backup-codes");
        web.get("/settings/backup-codes");
        Page saved = web.post("/settings/backup-codes/saved", Map.of("saved", "true"));
        assertThat(saved.location()).isEqualTo(request.path());
        IDTokenClaimsSet claims = validated(tokens(codeFrom(web.get(saved.location()), request), request)
                .getOIDCTokens().getIDToken(), request);
        assertThat(claims.getAMR()).extracting(AMR::getValue).containsExactly("pwd", "otp", "mfa");
    }

    @Test
    void logoutWhenTheApplicationSendsItsIdTokenThenTheGatehouseSessionEndsAndTheBrowserGoesBack()
            throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-logout");
        String app = webApp();
        WebSession web = browser();
        Request request = request(app, Map.of());
        String idToken = tokens(signInForCode(web, ada, request, false), request).getOIDCTokens().getIDTokenString();
        assertThat(web.get("/settings/security").status()).isEqualTo(200);

        Page out = web.get("/connect/logout?id_token_hint=" + idToken + "&post_logout_redirect_uri="
                + enc("https://app.example/signed-out") + "&state=bye");
        assertThat(out.status()).isEqualTo(302);
        assertThat(out.header("Location").orElseThrow()).isEqualTo("https://app.example/signed-out?state=bye");
        assertThat(web.get("/settings/security").location()).isEqualTo("/signin");
        // Anywhere else is no place to send a browser after signing out.
        WebSession other = browser();
        Request theirs = request(app, Map.of());
        String token = tokens(signInForCode(other, ada, theirs, false), theirs).getOIDCTokens().getIDTokenString();
        Page refused = other.get("/connect/logout?id_token_hint=" + token + "&post_logout_redirect_uri="
                + enc("https://evil.example/"));
        assertThat(refused.header("Location").orElse("")).doesNotContain("evil.example");
    }

    /**
     * The application that signs the user out ends its own tokens for them (its refresh token would outlive the
     * sign-out), and, since the browser's sign-in ends, another application's granted in that sign-in end too (until
     * stop 36 they stayed, listed nowhere); another application's in another browser stay. An ID token alone, from a
     * browser without the user's session, ends nothing.
     */
    @Test
    void logoutWhenTheApplicationSignsTheUserOutThenEveryApplicationsTokensOfThatSignInEndAndOtherBrowsersStay()
            throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-logout-tokens");
        String app = webApp();
        String other = webApp();
        WebSession web = browser();
        Request request = request(app, Map.of());
        com.nimbusds.openid.connect.sdk.token.OIDCTokens mine = tokens(signInForCode(web, ada, request, false),
                request).getOIDCTokens();
        Request theirs = request(other, Map.of());
        RefreshToken otherRefresh = tokens(codeFrom(web.get(theirs.path()), theirs), theirs).getOIDCTokens()
                .getRefreshToken();
        RefreshToken otherElsewhere = refreshTokenOfASignIn(browser(), ada, other);

        Page out = web.get("/connect/logout?id_token_hint=" + mine.getIDTokenString() + "&post_logout_redirect_uri="
                + enc("https://app.example/signed-out"));
        assertThat(out.header("Location").orElseThrow()).isEqualTo("https://app.example/signed-out");
        assertThat(error(refresh(app, mine.getRefreshToken()))).isEqualTo("invalid_grant");
        assertThat(error(refresh(other, otherRefresh))).as("another application's, same sign-in")
                .isEqualTo("invalid_grant");
        assertThat(refresh(other, otherElsewhere).indicatesSuccess()).as("another browser's").isTrue();
        assertThat(auditTypes(ada.id())).contains(AuditEventType.SIGN_OUT);

        WebSession again = browser();
        Request later = request(app, Map.of());
        com.nimbusds.openid.connect.sdk.token.OIDCTokens kept = tokens(signInForCode(again, ada, later, false), later)
                .getOIDCTokens();
        Page stranger = browser().get("/connect/logout?id_token_hint=" + kept.getIDTokenString()
                + "&post_logout_redirect_uri=" + enc("https://app.example/signed-out"));
        assertThat(stranger.status()).isEqualTo(302);
        assertThat(refresh(app, kept.getRefreshToken()).indicatesSuccess()).as("no session, nothing ended").isTrue();
        assertThat(again.get("/settings/security").status()).isEqualTo(200);
    }

    /** The tokens of {@code app} for {@code user}, signed in with a code in {@code web} (or already signed in). */
    com.nimbusds.openid.connect.sdk.token.OIDCTokens appTokens(WebSession web, TwoFactorUser user, String app)
            throws Exception {
        Request request = request(app, Map.of());
        Page asked = web.get(request.path());
        AuthorizationCode code = "/signin".equals(asked.location())
                ? signInForCode(web, user, request, false) : codeFrom(asked, request);
        return tokens(code, request).getOIDCTokens();
    }

    /** The application signs the browser out with this ID token, back to its registered page; asserts it went back. */
    static Page appSignsOut(WebSession web, com.nimbusds.openid.connect.sdk.token.OIDCTokens with) {
        Page out = web.get("/connect/logout?id_token_hint=" + with.getIDTokenString() + "&post_logout_redirect_uri="
                + enc("https://app.example/signed-out"));
        assertThat(out.status()).as("the application's sign-out").isEqualTo(302);
        assertThat(out.header("Location").orElseThrow()).isEqualTo("https://app.example/signed-out");
        return out;
    }

    /**
     * The same application in two browsers of the user, and in two tabs of the first: signing out of it in the first
     * browser ends what it holds from that browser's sign-in (both tabs' tokens) and nothing of the other browser,
     * whose tokens still refresh and whose own sign-out still works. Ending all of the application's tokens made the
     * second browser's sign-out a 400 (its ID token no longer known) and left it signed in to Gatehouse; ending only
     * the presented ID token's left the other tab's refresh token working (both found by the re-attack of stop 32).
     */
    @Test
    void logoutWhenTheSameApplicationIsSignedInInTwoBrowsersThenEachSignsOutOnItsOwn() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-logout-two");
        String app = webApp();
        WebSession first = browser();
        com.nimbusds.openid.connect.sdk.token.OIDCTokens firstTab = appTokens(first, ada, app);
        com.nimbusds.openid.connect.sdk.token.OIDCTokens secondTab = appTokens(first, ada, app);
        WebSession second = browser();
        com.nimbusds.openid.connect.sdk.token.OIDCTokens secondTokens = appTokens(second, ada, app);

        appSignsOut(first, secondTab);
        assertThat(error(refresh(app, secondTab.getRefreshToken()))).isEqualTo("invalid_grant");
        assertThat(error(refresh(app, firstTab.getRefreshToken()))).as("the other tab of the same sign-in")
                .isEqualTo("invalid_grant");
        assertThat(second.get("/settings/security").status()).isEqualTo(200);

        appSignsOut(second, secondTokens); // the second browser's own sign-out
        assertThat(second.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(error(refresh(app, secondTokens.getRefreshToken()))).isEqualTo("invalid_grant");
    }

    /**
     * A {@code prompt=login} re-sign-in in the same browser is another sign-in of the same browser: the application's
     * sign-out ends the tokens of both (matched by sign-in time, the earlier tab's refresh token went on working:
     * found by the re-check of stop 32).
     */
    @Test
    void logoutWhenTheBrowserSignedInAgainForTheApplicationThenTheEarlierSignInsTokensEndToo() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-logout-relogin");
        String app = webApp();
        WebSession web = browser();
        com.nimbusds.openid.connect.sdk.token.OIDCTokens before = appTokens(web, ada, app);
        clock().advance(java.time.Duration.ofMinutes(1));
        Request again = request(app, Map.of("prompt", "login"));
        assertThat(web.get(again.path()).location()).isEqualTo("/signin");
        assertThat(signIn(web, ada.email(), PASSWORD).location()).isEqualTo("/signin/verify");
        Page proved = code(web, ada, false);
        com.nimbusds.openid.connect.sdk.token.OIDCTokens after = tokens(codeFrom(web.get(proved.location()), again),
                again).getOIDCTokens();

        appSignsOut(web, after);
        assertThat(error(refresh(app, after.getRefreshToken()))).isEqualTo("invalid_grant");
        assertThat(error(refresh(app, before.getRefreshToken()))).as("the same browser's earlier sign-in")
                .isEqualTo("invalid_grant");
    }

    /**
     * A browser waiting for a step-up the application asked for is signed out by the application's sign-out too: the
     * application's tokens from that browser end, and the waiting step-up with them (it was left as it was: the
     * refresh token kept working, and a code alone then finished the step-up: found by the re-check of stop 32).
     */
    @Test
    void logoutWhenTheBrowserWaitsForAStepUpThenItsTokensAndTheWaitingStepUpEnd() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-logout-stepup");
        String app = webApp();
        WebSession web = browser();
        com.nimbusds.openid.connect.sdk.token.OIDCTokens held = appTokens(web, ada, app);
        clock().advance(java.time.Duration.ofMinutes(6)); // past the step-up window
        Request stepUp = request(app, Map.of("acr_values", MFA_NOW));
        assertThat(web.get(stepUp.path()).location()).isEqualTo("/signin/verify");

        appSignsOut(web, held);
        assertThat(error(refresh(app, held.getRefreshToken()))).isEqualTo("invalid_grant");
        assertThat(web.get("/signin/verify").location()).as("no step-up left to finish with a code alone")
                .startsWith("/signin").isNotEqualTo("/signin/verify");
        assertThat(auditTypes(ada.id())).contains(AuditEventType.SIGN_OUT);
    }

    /**
     * An application that keeps an earlier ID token of its sign-in for its sign-out (many keep the first) after its
     * refreshes replaced it: the sign-out is taken as with the current one. Spring's endpoint knew only the current ID
     * token, so this was a 400 and the browser stayed signed in to Gatehouse (noticed in stop 31, left open until stop
     * 33). A token of the same sign-in that was never an ID token is still refused, and from a browser without the
     * session an earlier ID token ends nothing, as a current one. The earlier ones go with their authorization.
     */
    @Test
    void logoutWhenTheApplicationSendsAnIdTokenARefreshReplacedThenSignedOutAsWithTheCurrentOne() throws Exception {
        TwoFactorUser ada = twoFactorUser("oidc-logout-earlier");
        String app = webApp();
        WebSession web = browser();
        List<com.nimbusds.openid.connect.sdk.token.OIDCTokens> given = appTokensRefreshed(web, ada, app, 3);
        RefreshToken current = given.get(3).getRefreshToken();

        String back = "&post_logout_redirect_uri=" + enc("https://app.example/signed-out");
        assertThat(web.get("/connect/logout?id_token_hint=" + given.get(3).getAccessToken().getValue() + back)
                .status()).as("an access token of the same sign-in").isEqualTo(400);
        assertThat(browser().get("/connect/logout?id_token_hint=" + given.get(0).getIDTokenString() + back)
                .status()).as("another browser").isEqualTo(302);
        // Another browser of the same user, signed in, with an ID token of the first: that browser is signed out, and
        // the first browser's tokens stay (they were ended too: found by an outside attack in stop 33).
        WebSession hers = browser();
        appTokens(hers, ada, app);
        appSignsOut(hers, given.get(0));
        assertThat(hers.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(web.get("/settings/security").status()).isEqualTo(200);
        TokenResponse stillGoing = refresh(app, current);
        assertThat(stillGoing.indicatesSuccess()).as("nothing ended so far").isTrue();
        current = stillGoing.toSuccessResponse().getTokens().getRefreshToken();

        appSignsOut(web, given.get(1));
        assertThat(web.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(error(refresh(app, current))).isEqualTo("invalid_grant");
        assertThat(auditTypes(ada.id())).contains(AuditEventType.SIGN_OUT);
        assertThat(jdbc().sql("select count(*) from earlier_id_tokens where hash = ? or hash = ?")
                .params(Tokens.sha256(given.get(0).getIDTokenString()), Tokens.sha256(given.get(2).getIDTokenString()))
                .query(Long.class).single()).as("gone with the authorization").isZero();

        // The first one, after two refreshes of another sign-in: the same.
        WebSession again = browser();
        List<com.nimbusds.openid.connect.sdk.token.OIDCTokens> later = appTokensRefreshed(again, ada, app, 2);
        appSignsOut(again, later.get(0));
        assertThat(again.get("/settings/security").location()).isEqualTo("/signin");
        assertThat(error(refresh(app, later.get(2).getRefreshToken()))).isEqualTo("invalid_grant");
    }

    /** The tokens of {@code app} in {@code web}, then those of each of {@code refreshes} refreshes, each ID token new. */
    List<com.nimbusds.openid.connect.sdk.token.OIDCTokens> appTokensRefreshed(WebSession web, TwoFactorUser user,
                                                                              String app, int refreshes)
            throws Exception {
        List<com.nimbusds.openid.connect.sdk.token.OIDCTokens> given = new ArrayList<>();
        given.add(appTokens(web, user, app));
        for (int i = 1; i <= refreshes; i++) {
            TokenResponse refreshed = refresh(app, given.get(i - 1).getRefreshToken());
            assertThat(refreshed.indicatesSuccess()).as("refresh " + i).isTrue();
            given.add(((OIDCTokenResponse) refreshed.toSuccessResponse()).getOIDCTokens());
        }
        assertThat(given.stream().map(com.nimbusds.openid.connect.sdk.token.OIDCTokens::getIDTokenString).distinct())
                .hasSize(refreshes + 1);
        return given;
    }

    // --- An application registered by an account's owner on the Applications page --------------------------------

    /** The value of the element with this id on the page (the client id and the secret shown once). */
    static String shown(Page page, String id) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("id=\"" + id + "\">([^<]+)<").matcher(page.body());
        assertThat(m.find()).as(id + " on the page").isTrue();
        return m.group(1);
    }

    @Test
    void registeredOnThePageWhenSecretReadFromThePageThenWholeFlowThenNewSecretRevokesEditMovesAndRemoveStops() throws Exception {
        TestUsers.Created owner = users().create("oidc-owner");
        WebSession ownerWeb = signedIn(owner.email(), owner.password());
        String page = "/accounts/" + owner.accountId() + "/applications";
        ownerWeb.get("/settings/confirm?next=/settings/security");
        assertThat(ownerWeb.post("/settings/confirm", Map.of("password", owner.password(),
                "next", "/settings/security")).status()).isEqualTo(302);
        assertThat(ownerWeb.get(page).status()).isEqualTo(200);
        Page registered = ownerWeb.post(page, Map.of("name", "Billing", "redirectUris", CALLBACK.toString(),
                "postLogoutUris", "", "type", "confidential", "email", "true", "profile", "true"));
        assertThat(registered.location()).isEqualTo(page + "/secret");
        Page once = ownerWeb.follow(registered);
        assertThat(text(once)).contains("it is not shown again");
        String app = shown(once, "client-id");
        Secret secret = new Secret(shown(once, "client-secret"));
        assertThat(app).matches("gh_[A-Za-z0-9_-]{22}");
        // A reload no longer shows it.
        Page reloaded = ownerWeb.get(page + "/secret");
        assertThat(reloaded.location()).isEqualTo(page);
        assertThat(ownerWeb.get(page).body()).contains(app, "Billing").doesNotContain(secret.getValue());

        // The whole authorization code flow with the secret read from the page, by a member of the account.
        TwoFactorUser ada = twoFactorUser("oidc-registered");
        jdbc().sql("insert into memberships (account_id, user_id, role, created_at) values (?, ?, 'MEMBER', ?)")
                .params(owner.accountId(), ada.id(), java.sql.Timestamp.from(clock().instant())).update();
        WebSession adaWeb = browser();
        Request request = request(app, Map.of());
        AuthorizationCode code = signInForCode(adaWeb, ada, request, false);
        TokenResponse response = exchange(code, request, new ClientSecretBasic(new ClientID(app), secret),
                request.verifier());
        assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
        OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
        assertThat(validated(tokens.getOIDCTokens().getIDToken(), request).getSubject().getValue())
                .isEqualTo(ada.user().user().id().toString());
        RefreshToken refreshToken = tokens.getOIDCTokens().getRefreshToken();
        String accessToken = tokens.getOIDCTokens().getAccessToken().getValue();

        // "New secret": the old one fails at the token endpoint at once, and what it obtained is revoked with it.
        ownerWeb.get(page);
        Page replaced = ownerWeb.post(page + "/new-secret", Map.of("clientId", app));
        Page shownAgain = ownerWeb.follow(replaced);
        assertThat(text(shownAgain)).contains("tokens issued to the application, no longer work");
        Secret fresh = new Secret(shown(shownAgain, "client-secret"));
        TokenResponse withOld = refreshWith(app, secret, refreshToken);
        assertThat(withOld.indicatesSuccess()).isFalse();
        assertThat(((TokenErrorResponse) withOld).getErrorObject().getCode()).isEqualTo("invalid_client");
        assertThat(error(refreshWith(app, fresh, refreshToken))).as("refresh token issued before").isEqualTo(
                "invalid_grant");
        assertThat(new TokenIntrospectionRequest(endpoint("/oauth2/introspect"),
                new ClientSecretBasic(new ClientID(app), fresh), new BearerAccessToken(accessToken)).toHTTPRequest()
                .send().getBody()).contains("\"active\":false");
        // The user's next visit to the application signs in again (still signed in at Gatehouse: nothing asked).
        Request again = request(app, Map.of());
        TokenResponse withNew = exchange(codeFrom(adaWeb.get(again.path()), again), again,
                new ClientSecretBasic(new ClientID(app), fresh), again.verifier());
        assertThat(withNew.indicatesSuccess()).as(String.valueOf(withNew)).isTrue();
        RefreshToken latest = withNew.toSuccessResponse().getTokens().getRefreshToken();

        // "Edit addresses": checked as at registration; saved, the old callback is refused at once.
        Page edit = ownerWeb.get(page + "/edit?clientId=" + app);
        assertThat(edit.status()).isEqualTo(200);
        assertThat(edit.body()).contains(CALLBACK.toString());
        Page invalid = ownerWeb.post(page + "/edit", Map.of("clientId", app,
                "redirectUris", "http://app.example/moved", "postLogoutUris", ""));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(text(invalid)).contains("Use https");
        Page saved = ownerWeb.post(page + "/edit", Map.of("clientId", app,
                "redirectUris", "https://app.example/moved", "postLogoutUris", "https://app.example/bye"));
        assertThat(saved.location()).isEqualTo(page);
        assertThat(text(ownerWeb.follow(saved))).contains("https://app.example/moved");
        assertThat(adaWeb.get(request(app, Map.of()).path()).status()).as("old callback").isEqualTo(400);
        TokenResponse kept = refreshWith(app, fresh, latest);
        assertThat(kept.indicatesSuccess()).as("tokens stay").isTrue();
        RefreshToken last = kept.toSuccessResponse().getTokens().getRefreshToken();
        // Another account's owner finds no such application.
        TestUsers.Created intruder = users().create("oidc-intruder");
        WebSession intruderWeb = signedIn(intruder.email(), intruder.password());
        intruderWeb.get("/settings/confirm?next=/settings/security");
        intruderWeb.post("/settings/confirm", Map.of("password", intruder.password(), "next", "/settings/security"));
        String theirPage = "/accounts/" + intruder.accountId() + "/applications";
        assertThat(intruderWeb.get(theirPage + "/edit?clientId=" + app).status()).isEqualTo(404);
        assertThat(intruderWeb.post(theirPage + "/edit", Map.of("clientId", app,
                "redirectUris", "https://evil.example/cb", "postLogoutUris", "")).status()).isEqualTo(404);

        // "Remove": its refresh token stops working, and its authorizations are gone.
        ownerWeb.get(page);
        assertThat(ownerWeb.post(page + "/remove", Map.of("clientId", app)).location()).isEqualTo(page);
        assertThat(refreshWith(app, fresh, last).indicatesSuccess()).isFalse();
        assertThat(count("""
                select count(*) from oauth2_authorization where registered_client_id not in
                (select id from oauth2_registered_client) and principal_name = ?""",
                ada.user().user().id().toString())).isZero();
        assertThat(auditTypes(owner.user().id())).contains(AuditEventType.APPLICATION_REGISTERED,
                AuditEventType.APPLICATION_SECRET_REPLACED, AuditEventType.APPLICATION_URIS_CHANGED,
                AuditEventType.APPLICATION_REMOVED);
    }

    TokenResponse refreshWith(String clientId, Secret secret, RefreshToken token) throws Exception {
        return OIDCTokenResponseParser.parse(new TokenRequest(endpoint("/oauth2/token"),
                new ClientSecretBasic(new ClientID(clientId), secret), new RefreshTokenGrant(token))
                .toHTTPRequest().send());
    }

    static String error(TokenResponse response) {
        assertThat(response.indicatesSuccess()).isFalse();
        return ((TokenErrorResponse) response).getErrorObject().getCode();
    }

    static String enc(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

}
