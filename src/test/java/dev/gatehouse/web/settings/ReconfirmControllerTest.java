package dev.gatehouse.web.settings;

import static dev.gatehouse.web.PageSliceConfiguration.signedInAs;
import static dev.gatehouse.web.PageSliceConfiguration.signedInUser;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.cookie;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignInService.Reconfirm;
import dev.gatehouse.signin.SignInService.ReconfirmStep;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.web.PageSliceTest;

/** "Confirm it's you" ({@code /settings/confirm}) with the password: who may see it, what a wrong one gets, where it leads. */
@PageSliceTest(ReconfirmController.class)
class ReconfirmControllerTest {

    private static final SignedInUser ME = signedInUser();
    private static final String PASSWORD = "correct horse battery staple";
    private static final String OWN_PAGE = "/settings/two-factor/app";

    @Autowired
    MockMvc mvc;

    @Autowired
    SignInService signIn;

    @Test
    void formWhenSignedOutThenToSignInAndThePageIsKeptToReturnTo() throws Exception {
        mvc.perform(get("/settings/confirm").param("next", OWN_PAGE))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/signin"))
                .andExpect(cookie().exists("REDIRECT_URI"));

        verifyNoInteractions(signIn);
    }

    @Test
    void confirmWhenSignedOutThenToSignInAndNoPasswordChecked() throws Exception {
        mvc.perform(post("/settings/confirm").with(csrf()).param("password", PASSWORD))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/signin"));

        verifyNoInteractions(signIn);
    }

    @Test
    void formWhenPasswordDueThenPasswordFormLeadingOnToNext() throws Exception {
        when(signIn.reconfirmationNeeded(eq(ME), any(BrowserSession.class))).thenReturn(Reconfirm.PASSWORD);

        mvc.perform(get("/settings/confirm").param("next", OWN_PAGE).with(signedInAs(ME)))
                .andExpect(status().isOk())
                .andExpect(view().name("settings/confirm"))
                .andExpect(model().attribute("codeNeeded", false))
                .andExpect(model().attribute("next", OWN_PAGE))
                .andExpect(content().string(containsString("name=\"next\" value=\"" + OWN_PAGE + "\"")))
                .andExpect(content().string(not(containsString("id=\"code\""))));
    }

    /** A pause of code entry may come from wrong codes typed at sign-in: the page says so, and what that means. */
    @Test
    void confirmWhenCodeEntryPausedThenSaysItCountsSignInsCodesToo() throws Exception {
        when(signIn.reconfirmationNeeded(eq(ME), any(BrowserSession.class))).thenReturn(Reconfirm.PASSWORD);
        when(signIn.reconfirm(eq(ME), eq(PASSWORD), eq(Optional.empty()), eq(""), any(BrowserSession.class)))
                .thenReturn(new ReconfirmStep.CodeProblem(
                        new dev.gatehouse.signin.SecondFactorStep.Locked(dev.gatehouse.web.PageSliceConfiguration.NOW.plusSeconds(300))));

        mvc.perform(post("/settings/confirm").with(csrf()).with(signedInAs(ME))
                        .param("password", PASSWORD).param("next", OWN_PAGE))
                .andExpect(status().isTooManyRequests())
                .andExpect(content().string(containsString("Too many wrong codes in a row, here or at sign-in.")))
                .andExpect(content().string(containsString("someone else may know your password")));
    }

    @Test
    void confirmWhenWrongPasswordThenUnauthorizedWithMessageAndFormAgain() throws Exception {
        when(signIn.reconfirmationNeeded(eq(ME), any(BrowserSession.class))).thenReturn(Reconfirm.PASSWORD);
        when(signIn.reconfirm(eq(ME), eq("wrong"), eq(Optional.empty()), eq(""), any(BrowserSession.class)))
                .thenReturn(new ReconfirmStep.WrongPassword());

        mvc.perform(post("/settings/confirm").with(csrf()).with(signedInAs(ME))
                        .param("password", "wrong").param("next", OWN_PAGE))
                .andExpect(status().isUnauthorized())
                .andExpect(view().name("settings/confirm"))
                .andExpect(model().attribute("error", "That is not your current password."))
                .andExpect(model().attribute("next", OWN_PAGE))
                .andExpect(content().string(containsString("That is not your current password.")))
                .andExpect(content().string(not(containsString("value=\"wrong\""))));

        verify(signIn).reconfirm(eq(ME), eq("wrong"), eq(Optional.empty()), eq(""), any(BrowserSession.class));
    }

    @Test
    void confirmWhenConfirmedThenOnToOwnSettingsPage() throws Exception {
        when(signIn.reconfirmationNeeded(eq(ME), any(BrowserSession.class))).thenReturn(Reconfirm.PASSWORD);
        when(signIn.reconfirm(eq(ME), eq(PASSWORD), any(), anyString(), any(BrowserSession.class)))
                .thenReturn(new ReconfirmStep.Confirmed());

        mvc.perform(post("/settings/confirm").with(csrf()).with(signedInAs(ME))
                        .param("password", PASSWORD).param("next", OWN_PAGE))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl(OWN_PAGE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example/", "//evil.example", "/\\evil.example", "/settings//evil.example",
            "https://evil.example/settings/security"})
    void confirmWhenConfirmedAndNextLeadsOffSiteThenSecurityPageInstead(String next) throws Exception {
        when(signIn.reconfirmationNeeded(eq(ME), any(BrowserSession.class))).thenReturn(Reconfirm.PASSWORD);
        when(signIn.reconfirm(eq(ME), eq(PASSWORD), any(), anyString(), any(BrowserSession.class)))
                .thenReturn(new ReconfirmStep.Confirmed());

        mvc.perform(post("/settings/confirm").with(csrf()).with(signedInAs(ME))
                        .param("password", PASSWORD).param("next", next))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/settings/security"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example/", "//evil.example"})
    void formWhenNothingDueAndNextLeadsOffSiteThenSecurityPageInstead(String next) throws Exception {
        when(signIn.reconfirmationNeeded(eq(ME), any(BrowserSession.class))).thenReturn(Reconfirm.NOTHING);

        mvc.perform(get("/settings/confirm").with(signedInAs(ME)).param("next", next))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/settings/security"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example/", "//evil.example"})
    void confirmWhenWrongPasswordAndNextLeadsOffSiteThenTheFormNeverCarriesIt(String next) throws Exception {
        when(signIn.reconfirmationNeeded(eq(ME), any(BrowserSession.class))).thenReturn(Reconfirm.PASSWORD);
        when(signIn.reconfirm(eq(ME), anyString(), any(), anyString(), any(BrowserSession.class)))
                .thenReturn(new ReconfirmStep.WrongPassword());

        mvc.perform(post("/settings/confirm").with(csrf()).with(signedInAs(ME))
                        .param("password", "wrong").param("next", next))
                .andExpect(status().isUnauthorized())
                .andExpect(model().attribute("next", "/settings/security"))
                .andExpect(content().string(not(containsString("evil.example"))));
    }
}
