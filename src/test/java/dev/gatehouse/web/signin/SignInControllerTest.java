package dev.gatehouse.web.signin;

import static dev.gatehouse.web.PageSliceConfiguration.NOW;
import static dev.gatehouse.web.PageSliceConfiguration.signedInAs;
import static dev.gatehouse.web.PageSliceConfiguration.signedInUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.PendingSignIn;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignInService.PasswordStep;
import dev.gatehouse.user.UserDetails;
import dev.gatehouse.web.PageSliceTest;

/** The password step's page: what it answers for each outcome of {@link SignInService#password}. */
@PageSliceTest(SignInController.class)
class SignInControllerTest {

    private static final String EMAIL = "ada@example.com";
    private static final String PASSWORD = "correct horse battery staple";

    @Autowired
    MockMvc mvc;

    @Autowired
    SignInService signIn;

    @Autowired
    UserDetails details;

    @org.springframework.test.context.bean.override.mockito.MockitoBean
    org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository clients;

    @org.springframework.test.context.bean.override.mockito.MockitoBean
    dev.gatehouse.oidc.AccountClients accountClients;

    @Test
    void formWhenSignedOutThenPasswordPageWithEmptyEmail() throws Exception {
        mvc.perform(get("/signin"))
                .andExpect(status().isOk())
                .andExpect(view().name("signin/password"))
                .andExpect(model().attribute("email", ""))
                .andExpect(content().string(containsString("action=\"/signin\"")));
    }

    /**
     * The return-page cookie Spring's {@code CookieRequestCache} writes for a page asked for while signed out (the
     * path and query, Base64).
     */
    private static jakarta.servlet.http.Cookie waiting(String url) {
        return new jakarta.servlet.http.Cookie("REDIRECT_URI",
                java.util.Base64.getEncoder().encodeToString(url.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void formWhenAPageOrAnApplicationWaitsThenSaysSoAndNamesOnlyTheDeploymentsApplications() throws Exception {
        mvc.perform(get("/signin"))
                .andExpect(content().string(not(containsString("id=\"continue-to\""))));
        mvc.perform(get("/signin").cookie(waiting("/settings/activity")))
                .andExpect(content().string(containsString("Sign in to continue to the page you asked for.")));

        org.springframework.security.oauth2.server.authorization.client.RegisteredClient shop =
                org.springframework.security.oauth2.server.authorization.client.RegisteredClient.withId("store-1")
                        .clientId("shop").clientName("Ruiz & Co <Shop>")
                        .authorizationGrantType(org.springframework.security.oauth2.core.AuthorizationGrantType
                                .AUTHORIZATION_CODE)
                        .redirectUri("https://shop.example/cb").build();
        when(clients.findByClientId("shop")).thenReturn(shop);
        when(accountClients.accountOfStored("store-1")).thenReturn(java.util.Optional.empty());
        mvc.perform(get("/signin").cookie(waiting("/oauth2/authorize?client_id=shop&scope=openid"
                        + "&redirect_uri=https%3A%2F%2Fshop.example%2Fcb")))
                .andExpect(content().string(containsString("Sign in to continue to Ruiz &amp; Co &lt;Shop&gt;.")));

        String generic = "Sign in to continue to the application that sent you here.";
        // A callback the client did not register, an unknown client: not named.
        mvc.perform(get("/signin").cookie(waiting("/oauth2/authorize?client_id=shop"
                        + "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb")))
                .andExpect(content().string(containsString(generic)));
        mvc.perform(get("/signin").cookie(waiting("/oauth2/authorize?client_id=gone")))
                .andExpect(content().string(containsString(generic)));
        // An account's application: its name is any owner's choice, so it is not shown on the sign-in page.
        when(accountClients.accountOfStored("store-1")).thenReturn(java.util.Optional.of(UUID.randomUUID()));
        mvc.perform(get("/signin").cookie(waiting("/oauth2/authorize?client_id=shop")))
                .andExpect(content().string(containsString(generic)))
                .andExpect(content().string(not(containsString("Shop"))));
        // Another host's link ("//host/...") is never followed, nor named.
        mvc.perform(get("/signin").cookie(waiting("//elsewhere.example/oauth2/authorize?client_id=shop")))
                .andExpect(content().string(not(containsString("id=\"continue-to\""))));
    }

    @Test
    void formWhenSignedInThenOnToSecurityPage() throws Exception {
        mvc.perform(get("/signin").with(signedInAs(signedInUser())))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/settings/security"));
    }

    @Test
    void submitWhenSecondFactorRequiredThenToVerifyPage() throws Exception {
        when(signIn.password(eq(EMAIL), eq(PASSWORD), any(BrowserSession.class))).thenReturn(
                new PasswordStep.SecondFactorRequired(new PendingSignIn(UUID.randomUUID(), UUID.randomUUID(), NOW)));

        mvc.perform(post("/signin").with(csrf()).param("email", EMAIL).param("password", PASSWORD))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/signin/verify"));
    }

    @Test
    void submitWhenSignedInWithoutReturnPageThenSecurityPage() throws Exception {
        when(signIn.password(eq(EMAIL), eq(PASSWORD), any(BrowserSession.class)))
                .thenReturn(new PasswordStep.SignedIn(signedInUser()));

        mvc.perform(post("/signin").with(csrf()).param("email", EMAIL).param("password", PASSWORD))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/settings/security"));
    }

    @Test
    void submitWhenRejectedThenFormAgainWithMessageAndEmailButNeverThePassword() throws Exception {
        when(signIn.password(anyString(), anyString(), any(BrowserSession.class)))
                .thenReturn(new PasswordStep.Rejected());

        MvcResult result = mvc.perform(post("/signin").with(csrf())
                        .param("email", "  " + EMAIL + " ").param("password", PASSWORD))
                .andExpect(status().isUnauthorized())
                .andExpect(view().name("signin/password"))
                .andExpect(model().attribute("email", EMAIL))
                .andExpect(model().attribute("error", containsString("email and password don")))
                .andExpect(content().string(containsString("email and password don")))
                .andExpect(content().string(containsString("value=\"" + EMAIL + "\"")))
                .andExpect(content().string(not(containsString(PASSWORD))))
                .andReturn();

        assertThat(result.getModelAndView().getModel().values()).as("nothing in the model holds the password")
                .noneMatch(value -> String.valueOf(value).contains(PASSWORD));
        verify(signIn).password(eq("  " + EMAIL + " "), eq(PASSWORD), any(BrowserSession.class));
    }

    @Test
    void submitWhenEmailIsOverlongThenNotEchoed() throws Exception {
        when(signIn.password(anyString(), anyString(), any(BrowserSession.class)))
                .thenReturn(new PasswordStep.Rejected());
        String overlong = "a".repeat(310) + "@example.com";

        mvc.perform(post("/signin").with(csrf()).param("email", overlong).param("password", PASSWORD))
                .andExpect(status().isUnauthorized())
                .andExpect(model().attribute("email", ""))
                .andExpect(content().string(not(containsString(overlong))));
    }

    @Test
    void submitWhenPausedThenTooManyRequestsWithTheTimeItEndsAndRetryAfter() throws Exception {
        when(signIn.password(anyString(), anyString(), any(BrowserSession.class)))
                .thenReturn(new PasswordStep.Paused(NOW.plus(Duration.ofMinutes(5))));

        mvc.perform(post("/signin").with(csrf()).param("email", EMAIL).param("password", PASSWORD))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "300"))
                .andExpect(view().name("signin/password"))
                .andExpect(model().attribute("email", EMAIL))
                .andExpect(model().attribute("error", containsString("for this email address")))
                .andExpect(content().string(containsString("for 5 minutes (until 12:05 UTC)")));
    }

    @Test
    void submitWhenNetworkPausedThenTooManyRequestsWithRetryAfter() throws Exception {
        when(signIn.password(anyString(), anyString(), any(BrowserSession.class)))
                .thenReturn(new PasswordStep.NetworkPaused(NOW.plus(Duration.ofSeconds(90))));

        mvc.perform(post("/signin").with(csrf()).param("email", EMAIL).param("password", PASSWORD))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "90"))
                .andExpect(content().string(containsString("from your network")))
                .andExpect(content().string(containsString("paused for 2 minutes (until 12:02 UTC)")));
    }

    @Test
    void submitWhenPausedThenEndRoundedUpAndInTheZoneTheFormReported() throws Exception {
        // Ends at 12:03:20 UTC = 13:03:20 in London (summer time): "until 13:03" would send them back too early.
        when(signIn.password(anyString(), anyString(), any(BrowserSession.class)))
                .thenReturn(new PasswordStep.Paused(NOW.plus(Duration.ofSeconds(200))));

        mvc.perform(post("/signin").with(csrf()).param("email", EMAIL).param("password", PASSWORD)
                        .param("timeZone", "Europe/London"))
                .andExpect(status().isTooManyRequests())
                .andExpect(content().string(containsString("for 4 minutes (until 13:04 BST)")));
        verify(details, never()).timeZone(any());
    }

    @Test
    void submitWhenSecondFactorRequiredThenTheBrowserZoneIsOfferedForThatUser() throws Exception {
        UUID userId = UUID.randomUUID();
        when(signIn.password(eq(EMAIL), eq(PASSWORD), any(BrowserSession.class))).thenReturn(
                new PasswordStep.SecondFactorRequired(new PendingSignIn(userId, UUID.randomUUID(), NOW)));

        mvc.perform(post("/signin").with(csrf()).param("email", EMAIL).param("password", PASSWORD)
                        .param("timeZone", "Asia/Kolkata"))
                .andExpect(redirectedUrl("/signin/verify"));

        verify(details).rememberBrowserZone(userId, "Asia/Kolkata");
    }

    @Test
    void submitWhenTimeZoneIsGarbageThenAnsweredAsWithoutOne() throws Exception {
        when(signIn.password(anyString(), anyString(), any(BrowserSession.class)))
                .thenReturn(new PasswordStep.Paused(NOW.plus(Duration.ofMinutes(5))));

        mvc.perform(post("/signin").with(csrf()).param("email", EMAIL).param("password", PASSWORD)
                        .param("timeZone", "Mars/Olympus<script>" + "x".repeat(50_000)))
                .andExpect(status().isTooManyRequests())
                .andExpect(content().string(containsString("for 5 minutes (until 12:05 UTC)")))
                .andExpect(content().string(not(containsString("Olympus"))));
        verify(details, never()).rememberBrowserZone(any(), anyString());
    }

    @Test
    void submitWhenNoFormTokenThenForbiddenAndNoPasswordChecked() throws Exception {
        mvc.perform(post("/signin").param("email", EMAIL).param("password", PASSWORD))
                .andExpect(status().isForbidden())
                .andExpect(forwardedUrl("/denied"));

        verifyNoInteractions(signIn);
    }

    @Test
    void submitWhenSentByAnotherSiteThenForbiddenAndNoPasswordCheckedThoughTheFormTokenIsRight() throws Exception {
        mvc.perform(post("/signin").with(csrf()).header("Sec-Fetch-Site", "cross-site")
                        .param("email", EMAIL).param("password", PASSWORD))
                .andExpect(status().isForbidden())
                .andExpect(forwardedUrl("/denied"));

        verifyNoInteractions(signIn);
    }

    @Test
    void submitWhenWrongFormTokenThenForbiddenAndNoPasswordChecked() throws Exception {
        mvc.perform(post("/signin").with(csrf().useInvalidToken()).param("email", EMAIL).param("password", PASSWORD))
                .andExpect(status().isForbidden());

        verifyNoInteractions(signIn);
    }
}
