package dev.gatehouse.web.settings.codes;

import java.time.Clock;
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

import dev.gatehouse.factor.CodeChallenge;
import dev.gatehouse.factor.CodeChallenges;
import dev.gatehouse.factor.CodeCheck;
import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.CodeSend;
import dev.gatehouse.factor.CodeSetup;
import dev.gatehouse.factor.DestinationCheck;
import dev.gatehouse.factor.EnrolledFactor;
import dev.gatehouse.factor.FactorService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.MethodRules;
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
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserDetails;
import dev.gatehouse.web.ConfirmFirst;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.TooManyRequests;
import dev.gatehouse.web.settings.BackupCodesToShow;
import dev.gatehouse.web.signin.CodeWords;
import dev.gatehouse.web.signin.SentCodeWords;

/**
 * Security tab > Email codes and Text message codes: turning them on, and changing the address or number codes go
 * to. Both are security changes (re-confirmation first), and both prove the destination with a code sent to it before
 * anything is stored: first the destination (checked; a bad one stores and sends nothing), then the code page with
 * "Send a new code". The setup in progress lives in the session, as a {@link CodeSetup} (no code in it).
 */
@Controller
class CodeMethodSettingsController {

    private static final String BASE = "/settings/two-factor/";

    private final CodeChallenges codes;
    private final FactorService factors;
    private final SmsCodeMethod sms;
    private final CodeDestinations destinations;
    private final SignInService signIn;
    private final CodeWords codeWords;
    private final SentCodeWords sentCodeWords;
    private final Messages messages;
    private final Clock clock;
    private final SecondFactors registered;
    private final UserDetails details;

    CodeMethodSettingsController(CodeChallenges codes, FactorService factors, SmsCodeMethod sms,
                                 CodeDestinations destinations, SignInService signIn, CodeWords codeWords,
                                 SentCodeWords sentCodeWords, Messages messages, Clock clock,
                                 SecondFactors registered, UserDetails details) {
        this.details = details;
        this.registered = registered;
        this.sentCodeWords = sentCodeWords;
        this.codes = codes;
        this.factors = factors;
        this.sms = sms;
        this.destinations = destinations;
        this.signIn = signIn;
        this.codeWords = codeWords;
        this.messages = messages;
        this.clock = clock;
    }

    // --- step 1: where codes should go --------------------------------------------------------------------------

    @ConfirmFirst
    @GetMapping(BASE + "{method:email|sms}")
    String destination(@CurrentUser User user, @PathVariable String method,
                       HttpServletRequest request, Model model, RedirectAttributes redirect) {
        FactorType type = type(method);
        Optional<EnrolledFactor> current = factors.factor(user.id(), type);
        if (current.isEmpty() && !factors.mayAdd(user.id(), type)) {
            redirect.addFlashAttribute("flashError", messages.get(MethodRules.NOT_ALLOWED));
            return "redirect:/settings/security";
        }
        String region = current.flatMap(f -> valid(type, f.publicData())).map(DestinationCheck.Valid::region)
                .orElseGet(() -> browserCountry(request));
        if (EmailCodeMethod.TYPE.equals(type)) {
            return destinationPage(type, user, current.map(EnrolledFactor::publicData).orElse(user.email()), region,
                    null, model);
        }
        // The phone on file (asked at sign-up or by an invitation, or given in User details) is offered, still
        // editable; when changing the number, only if codes go to another one now (offering the same is no help).
        Optional<String> onFile = details.phone(user.id()).map(UserDetails.Phone::number)
                .filter(number -> current.map(f -> !f.publicData().equals(number)).orElse(true));
        Optional<DestinationCheck.Valid> offered = onFile.flatMap(number -> valid(type, number));
        // A number the rules no longer accept (another country, say) is offered as stored: sending says why not.
        String value = offered.map(DestinationCheck.Valid::shown).or(() -> onFile).orElse("");
        model.addAttribute("fromFile", onFile.isPresent());
        return destinationPage(type, user, value, offered.map(DestinationCheck.Valid::region).orElse(region), null,
                model);
    }

    private Optional<DestinationCheck.Valid> valid(FactorType type, String destination) {
        return codes.method(type).map(m -> m.checkDestination(destination, null))
                .filter(DestinationCheck.Valid.class::isInstance).map(DestinationCheck.Valid.class::cast);
    }

    @ConfirmFirst
    @PostMapping(BASE + "{method:email|sms}")
    String startSetup(@AuthenticationPrincipal SignedInUser me, @CurrentUser User user, @PathVariable String method,
                      @RequestParam(defaultValue = "") String destination,
                      @RequestParam(defaultValue = "") String country, HttpServletRequest request,
                      HttpServletResponse response, Model model, RedirectAttributes redirect) {
        FactorType type = type(method);
        // What was typed goes back into the form only when it is printable: a value with line breaks is not echoed.
        String echo = destination.length() <= 320 && destination.chars().noneMatch(Character::isISOControl)
                ? destination : "";
        Optional<SecondFactorStep> paused = signIn.codeEntryBlocked(me.userId());
        if (paused.isPresent()) {
            // No code is sent while none could be typed (the review of stop 38: a new address still got one).
            codeWords.describeForSignedIn(paused.get(), model, response);
            return destinationPage(type, user, echo, country, (String) model.getAttribute("error"), model);
        }
        SecondFactorMethod.Start start = method(type).startEnrollment(new SecondFactorMethod.Setup(user,
                ClientInfo.of(request), Map.of(SentCodeSecondFactor.DESTINATION, destination,
                SentCodeSecondFactor.REGION, country)), pending(request, me, type).orElse(null));
        if (start instanceof SecondFactorMethod.Start.Refused problem) {
            response.setStatus(422);
            return destinationPage(type, user, echo, country, messages.get(problem.problemKey()), model);
        }
        SecondFactorMethod.Start.Ready ready = (SecondFactorMethod.Start.Ready) start;
        CodeSend send = ((SecondFactorMethod.Prompt.CodeSent) ready.prompt()).send();
        if (send instanceof CodeSend.Sent || send instanceof CodeSend.CoolingDown) {
            request.getSession().setAttribute(attribute(type), ready.pending());
            if (send instanceof CodeSend.CoolingDown cooling) {
                redirect.addFlashAttribute("flashWarning", sendProblem(cooling));
            }
            return "redirect:" + BASE + method + "/verify";
        }
        if (send instanceof CodeSend.LimitReached limited) {
            TooManyRequests.until(response, clock.instant(), limited.until());
        } else {
            response.setStatus(422);
        }
        return destinationPage(type, user, echo, country, sendProblem(send), model);
    }

    // --- step 2: the code sent there ----------------------------------------------------------------------------

    @ConfirmFirst(next = "/settings/two-factor/{method}")
    @GetMapping(BASE + "{method:email|sms}/verify")
    String codePage(@AuthenticationPrincipal SignedInUser me, @PathVariable String method,
                    HttpServletRequest request, HttpServletResponse response, Model model) {
        FactorType type = type(method);
        Optional<CodeSetup> setup = setup(request, me, type);
        if (setup.isEmpty()) {
            return "redirect:" + BASE + method;
        }
        signIn.codeEntryBlocked(me.userId()).ifPresent(step -> codeWords.describeForSignedIn(step, model, response));
        return codePage(type, setup.get(), model);
    }

    @ConfirmFirst(next = "/settings/two-factor/{method}")
    @PostMapping(BASE + "{method:email|sms}/verify")
    String finishSetup(@AuthenticationPrincipal SignedInUser me, @CurrentUser User user, @PathVariable String method,
                       @RequestParam(defaultValue = "") String code, BrowserSession browser, HttpServletRequest request,
                       HttpServletResponse response, Model model, RedirectAttributes redirect) {
        FactorType type = type(method);
        Optional<CodeSetup> setup = setup(request, me, type);
        if (setup.isEmpty()) {
            redirect.addFlashAttribute("flashError", messages.get("codes.setup.expired"));
            return "redirect:" + BASE + method;
        }
        SecondFactorMethod.Finish result = method(type).finishEnrollment(new SecondFactorMethod.Setup(user,
                ClientInfo.of(request)), pending(request, me, type).orElse(null), code);
        HttpSession session = request.getSession();
        if (result instanceof SecondFactorMethod.Finish.Proved proved && !proved.changed()) {
            session.removeAttribute(attribute(type));
            if (proved.firstBackupCodes() != null) {
                // The user's first method: its first code is the session's second factor. Beside others, it proves
                // none of them, so it never meets a step-up (found by an outside attack).
                signIn.secondFactorProved(me, method(type), browser);
            }
            // "From now on" only for the first method, the one asked for first; one beside others is not (found by a
            // new user in stop 35: the words promised email codes at the next sign-in, and the app was asked for).
            redirect.addFlashAttribute("flashSuccess", messages.get("codes.enabled." + type.name()
                    + (proved.firstBackupCodes() != null ? "" : ".beside")));
            if (proved.firstBackupCodes() != null) {
                // The first method brings the backup codes: they are shown now, once.
                return BackupCodesToShow.show(request, proved.firstBackupCodes(), true);
            }
            return "redirect:/settings/security";
        }
        if (result instanceof SecondFactorMethod.Finish.Proved) {
            // A new destination proved: not a second factor of this session's sign-in.
            session.removeAttribute(attribute(type));
            redirect.addFlashAttribute("flashSuccess", messages.get("codes.changed." + type.name(),
                    setup.get().shown()));
            return "redirect:/settings/security";
        }
        if (result instanceof SecondFactorMethod.Finish.Refused refused) {
            Optional<CodeChallenge> challenge = codes.current(me.userId(), type, CodePurpose.SETUP, setup.get().id());
            if (refused.why() instanceof CodeCheck.Wrong && challenge.isPresent()
                    && challenge.get().expired(clock.instant())) {
                model.addAttribute("error", messages.get("codes.expired"));
                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            } else {
                codeWords.describeForSignedIn(SecondFactorStep.refused(refused.why()), model, response, "codes.wrong");
            }
            return codePage(type, setup.get(), model);
        }
        session.removeAttribute(attribute(type));
        redirect.addFlashAttribute("flashError", messages.get("codes.setup.expired"));
        return "redirect:" + BASE + method;
    }

    @ConfirmFirst(next = "/settings/two-factor/{method}")
    @PostMapping(BASE + "{method:email|sms}/resend")
    String resend(@AuthenticationPrincipal SignedInUser me, @CurrentUser User user, @PathVariable String method, HttpServletRequest request,
                  RedirectAttributes redirect) {
        FactorType type = type(method);
        Optional<CodeSetup> setup = setup(request, me, type);
        if (setup.isEmpty()) {
            return "redirect:" + BASE + method;
        }
        if (signIn.codeEntryBlocked(me.userId()).isPresent()) {
            // No code is sent while none could be typed: the page says until when (and sign-in sends none either).
            return "redirect:" + BASE + method + "/verify";
        }
        // The same destination again: the setup goes on, a new code once the cooldown has passed.
        SecondFactorMethod.Start start = method(type).startEnrollment(new SecondFactorMethod.Setup(user,
                ClientInfo.of(request), Map.of(SentCodeSecondFactor.DESTINATION, setup.get().destination(),
                SentCodeSecondFactor.REGION, setup.get().region() == null ? "" : setup.get().region())),
                pending(request, me, type).orElse(null));
        CodeSend send = start.prompt(SecondFactorMethod.Prompt.CodeSent.class).map(SecondFactorMethod.Prompt.CodeSent::send)
                .orElseGet(() -> new CodeSend.Refused(((SecondFactorMethod.Start.Refused) start).problemKey()));
        if (send instanceof CodeSend.Sent) {
            redirect.addFlashAttribute("flashSuccess", messages.get("codes.resent." + type.name()));
        } else if (send instanceof CodeSend.CoolingDown cooling) {
            redirect.addFlashAttribute("flashWarning", sendProblem(cooling));
        } else if (send instanceof CodeSend.Finished) {
            request.getSession().removeAttribute(attribute(type));
            redirect.addFlashAttribute("flashError", messages.get("codes.setup.expired"));
            return "redirect:" + BASE + method;
        } else {
            redirect.addFlashAttribute("flashWarning", sendProblem(send));
        }
        return "redirect:" + BASE + method + "/verify";
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private String destinationPage(FactorType type, User user, String value, String region, String error,
                                   Model model) {
        Optional<EnrolledFactor> current = factors.factor(user.id(), type);
        model.addAttribute("type", type.name());
        model.addAttribute("method", path(type));
        model.addAttribute("value", value);
        model.addAttribute("error", error);
        model.addAttribute("changing", current.isPresent());
        model.addAttribute("current", current.map(f -> destinations.shown(type, f.publicData())).orElse(null));
        model.addAttribute("accountEmail", user.email());
        if (SmsCodeMethod.TYPE.equals(type)) {
            model.addAttribute("countries", sms.countries());
            model.addAttribute("region", region == null ? "" : region.toUpperCase(Locale.ROOT));
            model.addAttribute("available", sms.available());
            return "settings/sms-setup";
        }
        return "settings/email-setup";
    }

    private String codePage(FactorType type, CodeSetup setup, Model model) {
        model.addAttribute("type", type.name());
        model.addAttribute("method", path(type));
        model.addAttribute("setup", setup);
        model.addAttribute("country", setup.region() == null ? null : sms.countryName(setup.region()));
        model.addAttribute("changing", factors.factor(setup.userId(), type).isPresent());
        sentCodeWords.describe(codes.current(setup.userId(), type, CodePurpose.SETUP, setup.id()), setup.shown(), model);
        return "settings/code-setup-verify";
    }

    private String sendProblem(CodeSend send) {
        return sentCodeWords.problem(send).orElse("");
    }


    /** The setup of this method kept in this session, if it is this user's and still fresh. */
    private Optional<PendingStep> pending(HttpServletRequest request, SignedInUser me, FactorType type) {
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(attribute(type)) instanceof PendingStep pending
                && pending.usableFor(me.userId(), type, CodePurpose.SETUP, clock.instant())) {
            return Optional.of(pending);
        }
        return Optional.empty();
    }

    /** What the method keeps of the setup: the checked destination and the id its codes are bound to. */
    private Optional<CodeSetup> setup(HttpServletRequest request, SignedInUser me, FactorType type) {
        return pending(request, me, type).flatMap(p -> p.state(CodeSetup.class));
    }

    private SecondFactorMethod method(FactorType type) {
        return registered.get(type);
    }

    /** The country of the browser's language (en-GB → GB), to preselect for a number typed without +44. */
    private static String browserCountry(HttpServletRequest request) {
        Locale locale = request.getLocale();
        return locale == null ? "" : locale.getCountry();
    }

    private static String attribute(FactorType type) {
        return PendingStep.attribute(type, CodePurpose.SETUP);
    }

    private static FactorType type(String method) {
        return "sms".equals(method) ? SmsCodeMethod.TYPE : EmailCodeMethod.TYPE;
    }

    private static String path(FactorType type) {
        return SmsCodeMethod.TYPE.equals(type) ? "sms" : "email";
    }
}
