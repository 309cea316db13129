package dev.gatehouse.web.settings.backupcodes;

import static dev.gatehouse.web.settings.BackupCodesToShow.FIRST;
import static dev.gatehouse.web.settings.BackupCodesToShow.ISSUED;
import static dev.gatehouse.web.settings.BackupCodesToShow.SHOW;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.gatehouse.factor.BackupCodeService;
import dev.gatehouse.factor.IssuedBackupCodes;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.factor.backupcode.BackupCodeSecondFactor;
import dev.gatehouse.factor.backupcode.BackupCodes;
import dev.gatehouse.factor.backupcode.BackupCodesPdf;
import dev.gatehouse.factor.backupcode.BackupCodesText;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.GatehouseProperties;
import dev.gatehouse.user.User;
import dev.gatehouse.web.ConfirmFirst;
import dev.gatehouse.web.CurrentUser;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.PageTimes;
import dev.gatehouse.web.ReturnPageCache;
import dev.gatehouse.web.settings.BackupCodesToShow;

/**
 * Security tab > Backup codes: a new set is shown once (page, PDF, text, print, copy) until the user confirms they
 * saved it, for {@link #SHOWN_FOR} at most and only while it is still their set; "Generate new codes" replaces the set
 * after re-confirmation. The set being shown lives sealed in the session ({@link BackupCodesToShow}), never in a URL.
 */
@Controller
class BackupCodesController {

    private static final String REGENERATE = "/settings/backup-codes/new";
    private static final MediaType TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);
    /**
     * How long a set just issued is shown: the time "Confirm it's you" lasts. Longer, a session left open with a set
     * not yet marked saved would show the codes to whoever used it next, with no confirmation asked (found by a
     * review in stop 31); they can make a new set.
     */
    static final Duration SHOWN_FOR = Duration.ofMinutes(15);

    private final BackupCodeService backupCodes;
    private final BackupCodeSecondFactor sheet;
    private final GatehouseProperties gatehouse;
    private final Messages messages;
    private final ReturnPageCache returnPage;
    private final PageTimes times;
    private final Clock clock;

    BackupCodesController(BackupCodeService backupCodes, BackupCodeSecondFactor sheet,
                          GatehouseProperties gatehouse, Messages messages, ReturnPageCache returnPage,
                          PageTimes times, Clock clock) {
        this.clock = clock;
        this.times = times;
        this.returnPage = returnPage;
        this.backupCodes = backupCodes;
        this.sheet = sheet;
        this.gatehouse = gatehouse;
        this.messages = messages;
    }

    @GetMapping(SHOW)
    String page(@AuthenticationPrincipal SignedInUser me, HttpServletRequest request, Model model,
                RedirectAttributes redirect) {
        Optional<IssuedBackupCodes> held = issued(request, me);
        Optional<Shown> shown = held.flatMap(this::shown);
        if (shown.isEmpty()) {
            if (held.isPresent()) {
                redirect.addFlashAttribute("flashError", messages.get(backupCodes.stillCurrent(me.userId(),
                        backupCodes.reveal(held.get(), me.userId())) ? "backupcodes.noLongerShown"
                        : "backupcodes.replaced"));
            }
            return "redirect:/settings/security#backup-codes";
        }
        model.addAttribute("codes", shown.get().codes());
        model.addAttribute("createdAt", shown.get().issued().createdAt());
        model.addAttribute("email", me.email());
        model.addAttribute("first", Boolean.TRUE.equals(request.getSession().getAttribute(FIRST)));
        return "settings/backup-codes";
    }

    @GetMapping(SHOW + "/backup-codes.pdf")
    ResponseEntity<byte[]> pdf(@AuthenticationPrincipal SignedInUser me, HttpServletRequest request) {
        return issued(request, me).flatMap(this::shown).map(shown -> download(BackupCodesPdf.render(
                        gatehouse.productName(), me.email(), shown.issued().createdAt(), times.zone(), shown.codes()),
                        MediaType.APPLICATION_PDF, "pdf"))
                .orElseGet(BackupCodesController::gone);
    }

    @GetMapping(SHOW + "/backup-codes.txt")
    ResponseEntity<byte[]> text(@AuthenticationPrincipal SignedInUser me, HttpServletRequest request) {
        return issued(request, me).flatMap(this::shown).map(shown -> download(BackupCodesText.render(
                        gatehouse.productName(), me.email(), shown.issued().createdAt(), times.zone(), shown.codes())
                        .getBytes(StandardCharsets.UTF_8), TEXT, "txt"))
                .orElseGet(BackupCodesController::gone);
    }

    @PostMapping(SHOW + "/saved")
    String saved(@AuthenticationPrincipal SignedInUser me, @RequestParam(defaultValue = "false") boolean saved,
                 HttpServletRequest request, HttpServletResponse response, Model model,
                 RedirectAttributes redirect) {
        if (issued(request, me).isEmpty()) {
            return "redirect:/settings/security#backup-codes";
        }
        if (!saved) {
            model.addAttribute("error", messages.get("backupcodes.confirmSaved.required"));
            return page(me, request, model, redirect);
        }
        HttpSession session = request.getSession();
        boolean first = Boolean.TRUE.equals(session.getAttribute(FIRST));
        session.removeAttribute(ISSUED);
        session.removeAttribute(FIRST);
        redirect.addFlashAttribute("flashSuccess", messages.get("backupcodes.saved"));
        // The first method ends a set-up the account's rules imposed: an application's sign-in that waited for it
        // (web.oidc) goes on where it was.
        return "redirect:" + (first ? returnPage.continueTo(request, response) : "/settings/security");
    }

    @ConfirmFirst
    @GetMapping(REGENERATE)
    String confirmRegenerate(@AuthenticationPrincipal SignedInUser me, Model model) {
        if (!backupCodes.hasSet(me.userId())) {
            return "redirect:/settings/security";
        }
        model.addAttribute("remaining", backupCodes.remaining(me.userId()));
        model.addAttribute("count", BackupCodes.COUNT);
        return "settings/backup-codes-regenerate";
    }

    @ConfirmFirst
    @PostMapping(REGENERATE)
    String regenerate(@CurrentUser User user, HttpServletRequest request,
                      RedirectAttributes redirect) {
        // "Enrolling" backup codes again is a new set; the old codes stop working at once.
        SecondFactorMethod.Finish result = sheet.finishEnrollment(new SecondFactorMethod.Setup(user,
                ClientInfo.of(request)), null, "");
        if (!(result instanceof SecondFactorMethod.Finish.Proved proved) || proved.firstBackupCodes() == null) {
            redirect.addFlashAttribute("flashError", messages.get("backupcodes.needMethod"));
            return "redirect:/settings/security";
        }
        return BackupCodesToShow.show(request, proved.firstBackupCodes(), false);
    }

    /** The set and its codes, when it may still be shown: made in the last {@link #SHOWN_FOR}, still the user's. */
    private Optional<Shown> shown(IssuedBackupCodes issued) {
        if (!issued.createdAt().isAfter(clock.instant().minus(SHOWN_FOR))) {
            return Optional.empty();
        }
        List<String> codes = backupCodes.reveal(issued, issued.userId());
        return backupCodes.stillCurrent(issued.userId(), codes) ? Optional.of(new Shown(issued, codes))
                : Optional.empty();
    }

    /** A set that may be shown, with its codes opened once for the request. */
    private record Shown(IssuedBackupCodes issued, List<String> codes) {
    }

    /** The set in this session, if it is this user's. */
    private static Optional<IssuedBackupCodes> issued(HttpServletRequest request, SignedInUser me) {
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(ISSUED) instanceof IssuedBackupCodes issued
                && issued.userId().equals(me.userId())) {
            return Optional.of(issued);
        }
        return Optional.empty();
    }

    private ResponseEntity<byte[]> download(byte[] body, MediaType type, String extension) {
        String name = gatehouse.productName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-|-$", "");
        return ResponseEntity.ok()
                .contentType(type)
                .cacheControl(CacheControl.noStore())
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename((name.isEmpty() ? "" : name + "-") + "backup-codes." + extension).build().toString())
                .body(body);
    }

    /** A download asked for after the set was confirmed (or in another session): nothing to give. */
    private static ResponseEntity<byte[]> gone() {
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(java.net.URI.create("/settings/security"))
                .build();
    }
}
