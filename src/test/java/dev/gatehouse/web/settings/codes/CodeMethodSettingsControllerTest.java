package dev.gatehouse.web.settings.codes;

import static dev.gatehouse.web.PageSliceConfiguration.NOW;
import static dev.gatehouse.web.PageSliceConfiguration.signedInAs;
import static dev.gatehouse.web.PageSliceConfiguration.signedInUser;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import dev.gatehouse.factor.CodeChallenges;
import dev.gatehouse.factor.DestinationCheck;
import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.sms.SmsCodeMethod;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignInService.Reconfirm;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserDetails;
import dev.gatehouse.user.UserService;
import dev.gatehouse.web.PageSliceTest;

/**
 * The text-message setup's number field (issue 13): it offers the phone number on file, as its owner reads it and
 * still editable, and says where it came from; a number the rules no longer accept is offered as stored.
 */
@PageSliceTest(CodeMethodSettingsController.class)
class CodeMethodSettingsControllerTest {

    private static final SignedInUser ME = signedInUser();
    private static final User USER = new User(ME.userId(), ME.email(), ME.displayName(), NOW, NOW);
    private static final String ON_FILE = "+447400123456";
    private static final String PAGE = "/settings/two-factor/sms";

    @Autowired
    MockMvc mvc;

    @Autowired
    SignInService signIn;

    @Autowired
    UserService users;

    @MockitoBean
    CodeChallenges codes;

    @MockitoBean
    FactorService factors;

    @MockitoBean
    SmsCodeMethod sms;

    @MockitoBean
    CodeDestinations destinations;

    @Autowired // a mock: PageSliceTest mocks it for every page slice
    UserDetails details;

    @BeforeEach
    void confirmedUserWhoMayAddTextMessages() {
        when(signIn.reconfirmationNeeded(eq(ME), any(BrowserSession.class))).thenReturn(Reconfirm.NOTHING);
        when(users.findById(ME.userId())).thenReturn(Optional.of(USER));
        when(factors.mayAdd(ME.userId(), SmsCodeMethod.TYPE)).thenReturn(true);
        when(factors.factor(ME.userId(), SmsCodeMethod.TYPE)).thenReturn(Optional.empty());
        when(codes.method(SmsCodeMethod.TYPE)).thenReturn(Optional.of(sms));
        when(sms.available()).thenReturn(true);
        when(sms.countries()).thenReturn(List.of(new SmsCodeMethod.Country("GB", "United Kingdom", 44),
                new SmsCodeMethod.Country("IE", "Ireland", 353)));
        when(sms.checkDestination(eq(ON_FILE), isNull()))
                .thenReturn(new DestinationCheck.Valid(ON_FILE, "+44 7400 123456", "GB"));
    }

    private ResultActions page() throws Exception {
        return mvc.perform(get(PAGE).with(signedInAs(ME)).header("Accept-Language", "en-IE"));
    }

    @Test
    void setupWhenPhoneOnFileThenTheNumberFieldOffersItEditableWithItsCountry() throws Exception {
        when(details.phone(ME.userId())).thenReturn(Optional.of(new UserDetails.Phone(ON_FILE, null)));

        page().andExpect(status().isOk())
                .andExpect(view().name("settings/sms-setup"))
                .andExpect(model().attribute("value", "+44 7400 123456"))
                .andExpect(model().attribute("region", "GB"))
                .andExpect(content().string(containsString("value=\"+44 7400 123456\"")))
                .andExpect(content().string(containsString("<option value=\"GB\" selected=\"selected\"")))
                .andExpect(content().string(containsString("This is the phone number in your User details")))
                .andExpect(content().string(not(containsString("readonly"))))
                .andExpect(content().string(not(containsString("disabled"))));
    }

    @Test
    void setupWhenNoPhoneOnFileThenTheFieldIsEmptyAndTheBrowsersCountryChosen() throws Exception {
        when(details.phone(ME.userId())).thenReturn(Optional.empty());

        page().andExpect(status().isOk())
                .andExpect(model().attribute("value", ""))
                .andExpect(model().attribute("region", "IE"))
                .andExpect(content().string(containsString("Any common format")))
                .andExpect(content().string(not(containsString("in your User details"))));
    }

    @Test
    void setupWhenTheNumberOnFileIsNoLongerAcceptedThenOfferedAsStoredForSendingToSayWhy() throws Exception {
        String american = "+14155552671";
        when(details.phone(ME.userId())).thenReturn(Optional.of(new UserDetails.Phone(american, null)));
        when(sms.checkDestination(eq(american), isNull()))
                .thenReturn(new DestinationCheck.Invalid("sms.phone.countryNotAllowed"));

        page().andExpect(status().isOk())
                .andExpect(model().attribute("value", american))
                .andExpect(model().attribute("region", "IE"));
    }

    @Test
    void changeWhenCodesGoToThePhoneOnFileThenNotOfferedAgainAndWhenToAnotherThenOffered() throws Exception {
        when(details.phone(ME.userId())).thenReturn(Optional.of(new UserDetails.Phone(ON_FILE, NOW)));
        EnrolledFactor same = factor(ON_FILE);
        when(factors.factor(ME.userId(), SmsCodeMethod.TYPE)).thenReturn(Optional.of(same));
        when(destinations.shown(SmsCodeMethod.TYPE, ON_FILE)).thenReturn("+44 7400 123456");

        page().andExpect(status().isOk())
                .andExpect(model().attribute("changing", true))
                .andExpect(model().attribute("value", ""));

        String other = "+447400999888";
        when(factors.factor(ME.userId(), SmsCodeMethod.TYPE)).thenReturn(Optional.of(factor(other)));
        when(sms.checkDestination(eq(other), isNull()))
                .thenReturn(new DestinationCheck.Valid(other, "+44 7400 999888", "GB"));
        when(destinations.shown(SmsCodeMethod.TYPE, other)).thenReturn("+44 7400 999888");

        page().andExpect(status().isOk())
                .andExpect(model().attribute("value", "+44 7400 123456"))
                .andExpect(content().string(containsString("Codes go to +44 7400 999888 now.")));
    }

    private static EnrolledFactor factor(String number) {
        return new EnrolledFactor(java.util.UUID.randomUUID(), ME.userId(), SmsCodeMethod.TYPE, "Text messages", null,
                number, null, NOW, null);
    }
}
