package dev.gatehouse.web.signup;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import dev.gatehouse.account.FieldProblems;
import dev.gatehouse.account.SignUpService;
import dev.gatehouse.web.PageSliceTest;

/** The sign-up form's mobile number: asked only while new accounts start with text-message codes on. */
@PageSliceTest(SignUpController.class)
class SignUpControllerTest {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    SignUpService signUp;

    @Test
    void formWhenTextMessagesByDefaultThenAsksForAMobileNumberWithItsCountryCode() throws Exception {
        when(signUp.asksForPhone()).thenReturn(true);
        mvc.perform(get("/signup"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("<label for=\"phone\">Mobile phone number</label>")))
                .andExpect(content().string(containsString("type=\"tel\"")))
                .andExpect(content().string(containsString("autocomplete=\"tel\"")))
                .andExpect(content().string(containsString("With its + country code")))
                // Says it is needed, and why (a new user read "or you can choose an authenticator app" as optional).
                .andExpect(content().string(containsString("With its + country code, like +44 7400 123456. Needed: your new account asks for a code at each sign-in")))
                .andExpect(content().string(containsString("At least 8 characters")));
    }

    @Test
    void formWhenNotByDefaultThenNoNumberAsked() throws Exception {
        when(signUp.asksForPhone()).thenReturn(false);
        mvc.perform(get("/signup"))
                .andExpect(status().isOk())
                .andExpect(content().string(not(containsString("name=\"phone\""))));
    }

    @Test
    void submitWhenNumberRefusedThenSaysWhyBesideItKeepsWhatWasTypedButNeverThePassword() throws Exception {
        when(signUp.asksForPhone()).thenReturn(true);
        when(signUp.request(any(), any())).thenReturn(new SignUpService.Request.Invalid(
                new FieldProblems(Map.of("phone", "sms.phone.notMobile"))));
        mvc.perform(post("/signup").with(csrf()).param("displayName", "Ada").param("email", "ada@example.com")
                        .param("password", "correct horse battery staple").param("accountName", "Ada Ltd")
                        .param("phone", "+44 20 7946 0958"))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().string(containsString("This number can&#39;t receive text messages")))
                .andExpect(content().string(containsString("value=\"+44 20 7946 0958\"")))
                .andExpect(content().string(containsString("aria-invalid=\"true\"")))
                .andExpect(content().string(not(containsString("correct horse"))))
                // The password is not kept, and the page says so beside it.
                .andExpect(content().string(containsString("the password was not kept: type it again. At least 8 characters")));
    }

    /** The error says what is missing; the format's example stays in the hint below it, written once. */
    @Test
    void submitWhenNumberHasNoCountryCodeThenTheErrorSaysSoAndTheExampleIsShownOnce() throws Exception {
        when(signUp.asksForPhone()).thenReturn(true);
        when(signUp.request(any(), any())).thenReturn(new SignUpService.Request.Invalid(
                new FieldProblems(Map.of("phone", "signup.phone.needCountry"))));
        String page = mvc.perform(post("/signup").with(csrf()).param("displayName", "Ada")
                        .param("email", "ada@example.com").param("password", "correct horse battery staple")
                        .param("accountName", "Ada Ltd").param("phone", "07400 123456"))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().string(containsString("This number has no country code: start it with + and the code.")))
                .andReturn().getResponse().getContentAsString();
        org.assertj.core.api.Assertions.assertThat(page.split("like \\+44 7400 123456", -1)).hasSize(2);
    }

    @Test
    void submitWhenValidThenTheTypedNumberReachesTheService() throws Exception {
        when(signUp.asksForPhone()).thenReturn(true);
        when(signUp.request(any(), any())).thenReturn(new SignUpService.Request.CheckEmail());
        mvc.perform(post("/signup").with(csrf()).param("displayName", "Ada").param("email", "ada@example.com")
                        .param("password", "correct horse battery staple").param("accountName", "Ada Ltd")
                        .param("phone", "+44 7400 123456"))
                .andExpect(redirectedUrl("/signup/sent"))
                .andExpect(flash().attribute("sentTo", "ada@example.com"));
        ArgumentCaptor<SignUpService.SignUpForm> form = ArgumentCaptor.forClass(SignUpService.SignUpForm.class);
        verify(signUp).request(form.capture(), any());
        org.assertj.core.api.Assertions.assertThat(form.getValue().phone()).isEqualTo("+44 7400 123456");
    }
}
