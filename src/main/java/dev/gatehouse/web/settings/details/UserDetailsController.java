package dev.gatehouse.web.settings.details;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.CodeSend;
import dev.gatehouse.factor.CodeChallenges;
import dev.gatehouse.factor.CodeSetup;
import dev.gatehouse.factor.DestinationCheck;
import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.PendingStep;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.SecondFactors;
import dev.gatehouse.factor.SentCodeSecondFactor;
import dev.gatehouse.factor.email.EmailCodeMethod;
import dev.gatehouse.factor.sms.SmsCodeMethod;
import dev.gatehouse.signin.BrowserSession;
import dev.gatehouse.signin.SecondFactorStep;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Times;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserDetails;
import dev.gatehouse.web.ConfirmFirst;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.PageTimes;
import dev.gatehouse.web.TooManyRequests;
import dev.gatehouse.web.signin.CodeWords;
import dev.gatehouse.web.signin.SentCodeWords;

/**
 * Settings > User details: the user's name, contact email (also the sign-in address) and phone number, and where the
 * name of each of their accounts is changed. The name changes at once; the email and the phone are security changes
 * (re-confirmation first). A new email takes effect through a link sent to it ({@link UserDetails}). A new phone
 * number is checked with the text-message rules; when the user has text-message codes on, it is proved with a code
 * through that method's own setup (its limits, its lockout) and becomes the number codes go to as well, so a number
 * nobody proved never receives a sign-in code.
 */
@Controller
class UserDetailsController {

    static final String PAGE = "/settings/details";
    private static final String PHONE = PAGE + "/phone";
    private static final String PENDING_PHONE = "details.phone.pending";

    private final UserDetails details;
    private final AccountService accounts;
    private final FactorService factors;
    private final SmsCodeMethod sms;
    private final SecondFactors registered;
    private final CodeChallenges codes;
    private final CodeWords codeWords;
    private final SentCodeWords sentCodeWords;
    private final Messages messages;
    private final SignInService signIn;
    private final PageTimes times;
    private final Clock clock;

    UserDetailsController(UserDetails details, AccountService accounts, FactorService factors, SmsCodeMethod sms,
                          SecondFactors registered, CodeChallenges codes, CodeWords codeWords,
                          SentCodeWords sentCodeWords, Messages messages, SignInService signIn, PageTimes times,
                          Clock clock) {
        this.details = details;
        this.accounts = accounts;
        this.factors = factors;
        this.sms = sms;
        this.registered = registered;
        this.codes = codes;
        this.codeWords = codeWords;
        this.sentCodeWords = sentCodeWords;
        this.messages = messages;
        this.signIn = signIn;
        this.times = times;
        this.clock = clock;
    }

    // --- the page and the name ----------------------------------------------------------------------------------

    @GetMapping(PAGE)
    String page(@CurrentUser User user, Model model) {
        return page(user, user.displayName(), null, model);
    }

    @PostMapping(PAGE + "/name")
    String rename(@CurrentUser User user, @AuthenticationPrincipal SignedInUser signedIn, BrowserSession browser,
                  @RequestParam(defaultValue = "") String displayName, HttpServletRequest request,
                  HttpServletResponse response, Model model, RedirectAttributes redirect) {
        Optional<String> problem = details.rename(user, displayName, ClientInfo.of(request));
        if (problem.isPresent()) {
            response.setStatus(422);
            return page(user, displayName.length() <= 400 ? displayName : "", messages.get(problem.get()), model);
        }
        signIn.detailsChanged(browser, signedIn, user.email(), UserDetails.storedName(displayName));
        redirect.addFlashAttribute("flashSuccess", messages.get("details.name.saved"));
        return "redirect:" + PAGE;
    }

    // --- time zone ----------------------------------------------------------------------------------------------

    /**
     * Saves the zone chosen from the list. Not a "Confirm it's you" change and not audited: it only changes how times
     * are written, nothing about sign-in (docs/decisions.md). A value not in the list changes nothing (422).
     */
    @PostMapping(PAGE + "/time-zone")
    String chooseTimeZone(@CurrentUser User user, @RequestParam(defaultValue = "") String timeZone,
                          HttpServletResponse response, Model model, RedirectAttributes redirect) {
        if (!details.chooseTimeZone(user.id(), timeZone)) {
            response.setStatus(422);
            model.addAttribute("timeZoneError", messages.get("tz.details.invalid"));
            return page(user, user.displayName(), null, model);
        }
        redirect.addFlashAttribute("flashSuccess", messages.get("tz.details.saved", times.spoken(timeZone)));
        return "redirect:" + PAGE;
    }

    private String page(User user, String name, String nameError, Model model) {
        String zone = details.timeZone(user.id()).map(java.time.ZoneId::getId).orElse("UTC");
        model.addAttribute("timeZone", zone);
        // UTC first (and a zone saved before it left the list, to keep it chosen), then the regions' groups.
        model.addAttribute("timeZones", Times.offered().contains(zone) ? List.of("UTC") : List.of(zone, "UTC"));
        model.addAttribute("timeZoneRegions", Times.offeredByRegion());
        model.addAttribute("user", user);
        model.addAttribute("name", name);
        model.addAttribute("nameError", nameError);
        model.addAttribute("pendingEmail", details.pendingEmailChange(user.id()).orElse(null));
        Optional<UserDetails.Phone> phone = details.phone(user.id());
        model.addAttribute("phone", phone.orElse(null));
        model.addAttribute("phoneShown", phone.map(p -> shown(p.number())).orElse(null));
        model.addAttribute("memberships", accounts.membershipsOf(user.id()));
        model.addAttribute("emailCodesOn", factors.factor(user.id(), EmailCodeMethod.TYPE)
                .isPresent());
        model.addAttribute("smsCodesOn", smsFactor(user).isPresent());
        return "settings/details";
    }

    // --- contact email ------------------------------------------------------------------------------------------

    @ConfirmFirst
    @GetMapping(PAGE + "/email")
    String emailForm(@CurrentUser User user, Model model) {
        return emailForm(user, "", null, model);
    }

    @ConfirmFirst
    @PostMapping(PAGE + "/email")
    String requestEmailChange(@CurrentUser User user, @RequestParam(defaultValue = "") String email,
                              HttpServletRequest request, HttpServletResponse response, Model model,
                              RedirectAttributes redirect) {
        UserDetails.EmailChangeRequest asked = details.requestEmailChange(user, email, ClientInfo.of(request));
        if (asked instanceof UserDetails.EmailChangeRequest.Sent sent) {
            redirect.addFlashAttribute("flashSuccess", messages.get("details.email.sent", sent.pending().newEmail(),
                    times.dateTime(sent.pending().expiresAt())));
            return "redirect:" + PAGE;
        }
        String echo = email.length() <= 320 && email.chars().noneMatch(Character::isISOControl) ? email : "";
        if (asked instanceof UserDetails.EmailChangeRequest.TooMany tooMany) {
            TooManyRequests.until(response, clock.instant(), tooMany.until());
            return emailForm(user, echo, messages.until("tz.details.email.tooMany", tooMany.until()), model);
        }
        response.setStatus(422);
        return emailForm(user, echo,
                messages.get(((UserDetails.EmailChangeRequest.Rejected) asked).problemKey()), model);
    }

    /** Cancelling only takes a pending change away, so it asks for nothing first. */
    @PostMapping(PAGE + "/email/cancel")
    String cancelEmailChange(@CurrentUser User user, HttpServletRequest request, RedirectAttributes redirect) {
        if (details.cancelEmailChange(user, ClientInfo.of(request))) {
            redirect.addFlashAttribute("flashSuccess", messages.get("details.email.cancelled"));
        }
        return "redirect:" + PAGE;
    }

    private String emailForm(User user, String value, String error, Model model) {
        model.addAttribute("user", user);
        model.addAttribute("value", value);
        model.addAttribute("error", error);
        model.addAttribute("pendingEmail", details.pendingEmailChange(user.id()).orElse(null));
        model.addAttribute("emailCodesOn", factors.factor(user.id(), EmailCodeMethod.TYPE)
                .isPresent());
        return "settings/details-email";
    }

    /**
     * The link from the new address opens a page with a button, because mail scanners open links by themselves. It
     * works only in a session of the user who asked: anyone else's session (another user's, or one signed in with the
     * address that would be taken over) is told the link is not for them.
     */
    @GetMapping(PAGE + "/email/confirm/{token}")
    String confirmPage(@CurrentUser User user, @PathVariable String token, HttpServletResponse response,
                       Model model) {
        Optional<UserDetails.PendingEmailChange> pending = details.findEmailChange(user.id(), token);
        model.addAttribute("user", user);
        if (pending.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("state", "invalid");
            return "settings/details-email-confirm";
        }
        model.addAttribute("state", "ask");
        model.addAttribute("pending", pending.get());
        model.addAttribute("token", token);
        return "settings/details-email-confirm";
    }

    /** Completes a change that was confirmed when it was asked for; the link proves the new inbox. */
    @PostMapping(PAGE + "/email/confirm/{token}")
    String confirm(@CurrentUser User user, @AuthenticationPrincipal SignedInUser signedIn, BrowserSession browser,
                   @PathVariable String token, HttpServletRequest request, HttpServletResponse response, Model model,
                   RedirectAttributes redirect) {
        UserDetails.EmailConfirmation done = details.confirmEmailChange(user.id(), token, ClientInfo.of(request));
        if (done instanceof UserDetails.EmailConfirmation.Changed changed) {
            signIn.detailsChanged(browser, signedIn, changed.user().email(), changed.user().displayName());
            redirect.addFlashAttribute("flashSuccess", messages.get("details.email.changed", changed.user().email()));
            return "redirect:" + PAGE;
        }
        model.addAttribute("user", user);
        if (done instanceof UserDetails.EmailConfirmation.Taken taken) {
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            model.addAttribute("state", "taken");
            model.addAttribute("taken", taken.newEmail());
        } else {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("state", "invalid");
        }
        return "settings/details-email-confirm";
    }

    // --- phone --------------------------------------------------------------------------------------------------

    @ConfirmFirst
    @GetMapping(PHONE)
    String phoneForm(@CurrentUser User user, HttpServletRequest request, Model model) {
        Optional<UserDetails.Phone> phone = details.phone(user.id());
        String region = phone.map(p -> sms.checkDestination(p.number(), null))
                .filter(DestinationCheck.Valid.class::isInstance).map(c -> ((DestinationCheck.Valid) c).region())
                .orElseGet(() -> request.getLocale() == null ? "" : request.getLocale().getCountry());
        return phoneForm(user, phone.map(p -> shown(p.number())).orElse(""), region, null, model);
    }

    @ConfirmFirst
    @PostMapping(PHONE)
    String changePhone(@AuthenticationPrincipal SignedInUser me, @CurrentUser User user,
                       @RequestParam(defaultValue = "") String phone, @RequestParam(defaultValue = "") String country,
                       HttpServletRequest request, HttpServletResponse response, Model model,
                       RedirectAttributes redirect) {
        ClientInfo client = ClientInfo.of(request);
        Optional<EnrolledFactor> smsFactor = smsFactor(user);
        String echo = phone.length() <= 40 && phone.chars().noneMatch(Character::isISOControl) ? phone : "";
        if (phone.isBlank()) {
            if (smsFactor.isPresent()) {
                response.setStatus(422);
                return phoneForm(user, "", country, messages.get("details.phone.neededBySms"), model);
            }
            if (details.phone(user.id()).isPresent()) {
                details.setPhone(user.id(), null, false, null, client);
                redirect.addFlashAttribute("flashSuccess", messages.get("details.phone.removed"));
            }
            return "redirect:" + PAGE;
        }
        // The same checks as text-message codes: the number's plan, its type, the allowed countries.
        DestinationCheck check = sms.checkDestination(phone, country);
        if (check instanceof DestinationCheck.Invalid invalid) {
            response.setStatus(422);
            return phoneForm(user, echo, country, messages.get(invalid.problemKey()), model);
        }
        DestinationCheck.Valid valid = (DestinationCheck.Valid) check;
        if (smsFactor.isEmpty() || valid.value().equals(smsFactor.get().publicData())) {
            // Without text-message codes nothing is sent to the number, so it is kept unproved; the number codes
            // already go to was proved when it was set up.
            details.setPhone(user.id(), valid.value(), smsFactor.isPresent(), valid.region(), client);
            redirect.addFlashAttribute("flashSuccess", messages.get("details.phone.saved", valid.shown()));
            return "redirect:" + PAGE;
        }
        Optional<SecondFactorStep> paused = signIn.codeEntryBlocked(me.userId());
        if (paused.isPresent()) {
            // No code is sent while none could be typed (the review of stop 38: a new number still got one).
            codeWords.describeForSignedIn(paused.get(), model, response);
            return phoneForm(user, echo, country, (String) model.getAttribute("error"), model);
        }
        SecondFactorMethod.Start start = registered.get(SmsCodeMethod.TYPE).startEnrollment(
                new SecondFactorMethod.Setup(user, client, Map.of(SentCodeSecondFactor.DESTINATION, valid.value(),
                        SentCodeSecondFactor.REGION, valid.region())), pending(request, me).orElse(null));
        if (start instanceof SecondFactorMethod.Start.Refused refused) {
            response.setStatus(422);
            return phoneForm(user, echo, country, messages.get(refused.problemKey()), model);
        }
        SecondFactorMethod.Start.Ready ready = (SecondFactorMethod.Start.Ready) start;
        CodeSend send = ((SecondFactorMethod.Prompt.CodeSent) ready.prompt()).send();
        if (send instanceof CodeSend.Sent || send instanceof CodeSend.CoolingDown) {
            request.getSession().setAttribute(PENDING_PHONE, ready.pending());
            if (send instanceof CodeSend.CoolingDown) {
                redirect.addFlashAttribute("flashError", sentCodeWords.problem(send).orElse(""));
            }
            return "redirect:" + PHONE + "/verify";
        }
        if (send instanceof CodeSend.LimitReached limited) {
            TooManyRequests.until(response, clock.instant(), limited.until());
        } else {
            response.setStatus(422);
        }
        return phoneForm(user, echo, country, sentCodeWords.problem(send).orElse(""), model);
    }

    @ConfirmFirst(next = PHONE)
    @GetMapping(PHONE + "/verify")
    String phoneCodePage(@AuthenticationPrincipal SignedInUser me, HttpServletRequest request,
                         HttpServletResponse response, Model model) {
        Optional<CodeSetup> setup = pending(request, me).flatMap(p -> p.state(CodeSetup.class));
        if (setup.isEmpty()) {
            return "redirect:" + PHONE;
        }
        // A pause on code entry shows on opening, as on the code set-up page, not only after a code is typed.
        signIn.codeEntryBlocked(me.userId()).ifPresent(step -> codeWords.describeForSignedIn(step, model, response));
        return phoneCodePage(setup.get(), model);
    }

    @ConfirmFirst(next = PHONE)
    @PostMapping(PHONE + "/verify")
    String verifyPhone(@AuthenticationPrincipal SignedInUser me, @CurrentUser User user,
                       @RequestParam(defaultValue = "") String code, HttpServletRequest request,
                       HttpServletResponse response, Model model, RedirectAttributes redirect) {
        Optional<PendingStep> pending = pending(request, me);
        Optional<CodeSetup> setup = pending.flatMap(p -> p.state(CodeSetup.class));
        if (setup.isEmpty()) {
            redirect.addFlashAttribute("flashError", messages.get("codes.setup.expired"));
            return "redirect:" + PHONE;
        }
        HttpSession session = request.getSession();
        if (smsFactor(user).isEmpty()) {
            // Text-message codes were turned off meanwhile: a code must not turn them on again from here.
            session.removeAttribute(PENDING_PHONE);
            redirect.addFlashAttribute("flashError", messages.get("codes.setup.expired"));
            return "redirect:" + PHONE;
        }
        ClientInfo client = ClientInfo.of(request);
        SecondFactorMethod.Finish result = registered.get(SmsCodeMethod.TYPE).finishEnrollment(
                new SecondFactorMethod.Setup(user, client), pending.get(), code);
        if (result instanceof SecondFactorMethod.Finish.Proved) {
            session.removeAttribute(PENDING_PHONE);
            // The text-message codes moved there (audited, announced); the phone on file follows, proved.
            details.setPhone(user.id(), setup.get().destination(), true, setup.get().region(), client);
            redirect.addFlashAttribute("flashSuccess", messages.get("details.phone.proved", setup.get().shown()));
            return "redirect:" + PAGE;
        }
        if (result instanceof SecondFactorMethod.Finish.Refused refused) {
            codeWords.describeForSignedIn(SecondFactorStep.refused(refused.why()), model, response, "codes.wrong");
            return phoneCodePage(setup.get(), model);
        }
        session.removeAttribute(PENDING_PHONE);
        redirect.addFlashAttribute("flashError", messages.get("codes.setup.expired"));
        return "redirect:" + PHONE;
    }

    @ConfirmFirst(next = PHONE)
    @PostMapping(PHONE + "/resend")
    String resendPhoneCode(@AuthenticationPrincipal SignedInUser me, @CurrentUser User user,
                           HttpServletRequest request, RedirectAttributes redirect) {
        Optional<PendingStep> pending = pending(request, me);
        Optional<CodeSetup> setup = pending.flatMap(p -> p.state(CodeSetup.class));
        if (setup.isEmpty()) {
            return "redirect:" + PHONE;
        }
        if (signIn.codeEntryBlocked(me.userId()).isPresent()) {
            // No code is sent while none could be typed: the page says until when.
            return "redirect:" + PHONE + "/verify";
        }
        SecondFactorMethod.Start start = registered.get(SmsCodeMethod.TYPE).startEnrollment(
                new SecondFactorMethod.Setup(user, ClientInfo.of(request), Map.of(
                        SentCodeSecondFactor.DESTINATION, setup.get().destination(),
                        SentCodeSecondFactor.REGION, setup.get().region() == null ? "" : setup.get().region())),
                pending.get());
        CodeSend send = start.prompt(SecondFactorMethod.Prompt.CodeSent.class)
                .map(SecondFactorMethod.Prompt.CodeSent::send)
                .orElseGet(() -> new CodeSend.Refused(((SecondFactorMethod.Start.Refused) start).problemKey()));
        if (send instanceof CodeSend.Sent) {
            redirect.addFlashAttribute("flashSuccess", messages.get("codes.resent.SMS"));
        } else {
            redirect.addFlashAttribute("flashError", sentCodeWords.problem(send).orElse(""));
        }
        return "redirect:" + PHONE + "/verify";
    }

    private String phoneForm(User user, String value, String region, String error, Model model) {
        Optional<UserDetails.Phone> phone = details.phone(user.id());
        model.addAttribute("user", user);
        model.addAttribute("value", value);
        model.addAttribute("error", error);
        model.addAttribute("phone", phone.orElse(null));
        model.addAttribute("phoneShown", phone.map(p -> shown(p.number())).orElse(null));
        model.addAttribute("countries", sms.countries());
        model.addAttribute("region", region == null ? "" : region.toUpperCase(Locale.ROOT));
        model.addAttribute("smsCodesOn", smsFactor(user).isPresent());
        return "settings/details-phone";
    }

    private String phoneCodePage(CodeSetup setup, Model model) {
        model.addAttribute("setup", setup);
        model.addAttribute("country", setup.region() == null ? null : sms.countryName(setup.region()));
        sentCodeWords.describe(codes.current(setup.userId(), SmsCodeMethod.TYPE, CodePurpose.SETUP, setup.id()),
                setup.shown(), model);
        return "settings/details-phone-verify";
    }

    /** The phone change in progress in this session, if it is this user's and still fresh. */
    private Optional<PendingStep> pending(HttpServletRequest request, SignedInUser me) {
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(PENDING_PHONE) instanceof PendingStep pending
                && pending.usableFor(me.userId(), SmsCodeMethod.TYPE, CodePurpose.SETUP, clock.instant())) {
            return Optional.of(pending);
        }
        return Optional.empty();
    }

    private Optional<EnrolledFactor> smsFactor(User user) {
        return factors.factor(user.id(), SmsCodeMethod.TYPE);
    }

    /** A stored number as its owner reads it: +44 7400 123456. */
    private String shown(String e164) {
        return sms.checkDestination(e164, null) instanceof DestinationCheck.Valid valid ? valid.shown() : e164;
    }
}
