package dev.gatehouse.web.signin;

import static dev.gatehouse.web.PageSliceConfiguration.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.cookie;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.Cookie;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.MethodTraits;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.PendingSignIn;
import dev.gatehouse.signin.SecondFactorStep;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.web.PageSliceConfiguration;
import dev.gatehouse.web.PageSliceTest;

/**
 * The code page of the second step ({@code /signin/verify}): what it answers for each outcome of
 * {@link SignInService#secondFactor}, and the code input a phone needs.
 */
@PageSliceTest(SecondFactorController.class)
class SecondFactorControllerTest {

    private static final PendingSignIn PENDING = new PendingSignIn(UUID.randomUUID(), UUID.randomUUID(),
            NOW.minus(Duration.ofMinutes(1)));

    @Autowired
    MockMvc mvc;

    @Autowired
    SignInService signIn;

    @Test
    void formWhenNoPendingSignInThenBackToSignInExpired() throws Exception {
        when(signIn.pending(any(BrowserSession.class))).thenReturn(Optional.empty());

        mvc.perform(get("/signin/verify"))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/signin?expired"));

        verify(signIn, never()).startSecondStep(any(), any(), any());
    }

    @Test
    void formWhenAppCodeThenCodeInputOffersOneTimeCodeAutofillAndNumericKeyboard() throws Exception {
        pendingWith(method("TOTP", MethodTraits.Answer.TYPED_CODE));

        String page = mvc.perform(get("/signin/verify"))
                .andExpect(status().isOk())
                .andExpect(view().name("signin/verify"))
                .andReturn().getResponse().getContentAsString();

        String input = tag(page, "input", "id=\"code\"");
        assertThat(input).contains("name=\"code\"", "autocomplete=\"one-time-code\"", "inputmode=\"numeric\"");
    }

    @Test
    void submitWhenNoPendingSignInThenBackToSignInExpiredAndNoCodeChecked() throws Exception {
        when(signIn.pending(any(BrowserSession.class))).thenReturn(Optional.empty());

        mvc.perform(post("/signin/verify").with(csrf()).param("code", "123456"))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/signin?expired"));

        verify(signIn, never()).secondFactor(any(), anyString(), anyBoolean(), any());
    }

    @Test
    void submitWhenWrongCodeWithFewTriesLeftThenUnauthorizedWithTriesLeft() throws Exception {
        SecondFactorMethod app = pendingWith(method("TOTP", MethodTraits.Answer.TYPED_CODE));
        when(signIn.secondFactor(eq(app), eq("000000"), eq(false), any(BrowserSession.class)))
                .thenReturn(new SecondFactorStep.WrongCode(2));

        mvc.perform(post("/signin/verify").with(csrf()).param("method", "TOTP").param("code", "000000"))
                .andExpect(status().isUnauthorized())
                .andExpect(view().name("signin/verify"))
                .andExpect(model().attribute("method", "TOTP"))
                .andExpect(model().attribute("error", containsString("2 tries are left before code entry pauses")))
                .andExpect(content().string(containsString("2 tries are left before code entry pauses")))
                .andExpect(content().string(containsString("id=\"code\"")));
    }

    @Test
    void submitWhenWrongCodeWithManyTriesLeftThenUnauthorizedWithoutCount() throws Exception {
        SecondFactorMethod app = pendingWith(method("TOTP", MethodTraits.Answer.TYPED_CODE));
        when(signIn.secondFactor(eq(app), anyString(), anyBoolean(), any(BrowserSession.class)))
                .thenReturn(new SecondFactorStep.WrongCode(7));

        mvc.perform(post("/signin/verify").with(csrf()).param("code", "000000"))
                .andExpect(status().isUnauthorized())
                .andExpect(model().attribute("error", containsString("Check the app and try again.")))
                .andExpect(model().attribute("error", not(containsString("left"))));
    }

    @Test
    void submitWhenWrongSentCodeThenTheWordsOfASentCode() throws Exception {
        SecondFactorMethod email = pendingWith(method("EMAIL", MethodTraits.Answer.SENT_CODE));
        when(signIn.secondFactor(eq(email), anyString(), anyBoolean(), any(BrowserSession.class)))
                .thenReturn(new SecondFactorStep.WrongCode(1));

        mvc.perform(post("/signin/verify").with(csrf()).param("method", "EMAIL").param("code", "000000"))
                .andExpect(status().isUnauthorized())
                .andExpect(model().attribute("error",
                        containsString("Check the newest message we sent. 1 try is left")));
    }

    @Test
    void submitWhenLockedThenTooManyRequestsWithTheWaitRetryAfterAndNoCodeForm() throws Exception {
        SecondFactorMethod app = pendingWith(method("TOTP", MethodTraits.Answer.TYPED_CODE));
        when(signIn.secondFactor(eq(app), anyString(), anyBoolean(), any(BrowserSession.class)))
                .thenReturn(new SecondFactorStep.Locked(NOW.plus(Duration.ofMinutes(15))));

        mvc.perform(post("/signin/verify").with(csrf()).param("code", "000000"))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "900"))
                .andExpect(view().name("signin/verify"))
                .andExpect(model().attribute("locked", true))
                .andExpect(model().attribute("error", containsString("try again in 15 minutes (after 12:15 UTC)")))
                .andExpect(content().string(containsString("try again in 15 minutes (after 12:15 UTC)")))
                .andExpect(content().string(containsString("id=\"try-again\"")))
                .andExpect(content().string(not(containsString("id=\"code\""))));
    }

    @Test
    void submitWhenSignedInThenToTheSavedReturnPageAndTheCookieGoes() throws Exception {
        SecondFactorMethod app = pendingWith(method("TOTP", MethodTraits.Answer.TYPED_CODE));
        when(signIn.secondFactor(eq(app), eq("123456"), eq(true), any(BrowserSession.class)))
                .thenReturn(new SecondFactorStep.SignedIn(PageSliceConfiguration.signedInUser()));

        mvc.perform(post("/signin/verify").with(csrf()).param("code", "123456").param("remember", "true")
                        .cookie(returnPageSavedBySecurityRules("/settings/devices?tab=all")))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/settings/devices?tab=all"))
                .andExpect(cookie().maxAge("REDIRECT_URI", 0));
    }

    /** Stubs a sign-in pending in this session whose user answers with {@code method}, primary or named. */
    private SecondFactorMethod pendingWith(SecondFactorMethod method) {
        when(signIn.pending(any(BrowserSession.class))).thenReturn(Optional.of(PENDING));
        when(signIn.secondStepMethod(eq(PENDING), anyString())).thenAnswer(call -> {
            String named = call.getArgument(1);
            return named.isEmpty() || named.equals(method.type().name()) ? Optional.of(method) : Optional.empty();
        });
        return method;
    }

    private static SecondFactorMethod method(String type, MethodTraits.Answer answer) {
        SecondFactorMethod method = mock(SecondFactorMethod.class);
        when(method.type()).thenReturn(new FactorType(type));
        when(method.traits()).thenReturn(new MethodTraits(type, "otp", false, answer,
                answer == MethodTraits.Answer.SENT_CODE, true, null, "settings/methods :: none"));
        return method;
    }

    /**
     * The cookie in which the security rules keep the page a signed-out browser asked for ({@code ReturnPageCache}),
     * as they set it when that browser asks for {@code page}.
     */
    private Cookie returnPageSavedBySecurityRules(String page) throws Exception {
        Cookie saved = mvc.perform(get(page)).andExpect(redirectedUrl("/signin")).andReturn().getResponse()
                .getCookie("REDIRECT_URI");
        assertThat(saved).as("return page kept").isNotNull();
        return new Cookie(saved.getName(), saved.getValue());
    }

    /** The one start tag {@code <name ...>} of {@code html} that holds {@code attribute}. */
    static String tag(String html, String name, String attribute) {
        Matcher tags = Pattern.compile("<" + name + "\\b[^>]*>").matcher(html);
        String found = null;
        while (tags.find()) {
            if (tags.group().contains(attribute)) {
                assertThat(found).as("only one <%s %s>", name, attribute).isNull();
                found = tags.group();
            }
        }
        assertThat(found).as("a <%s %s> on the page", name, attribute).isNotNull();
        return found;
    }
}
