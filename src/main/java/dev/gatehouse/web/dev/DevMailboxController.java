package dev.gatehouse.web.dev;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

import dev.gatehouse.notify.DevMailMessage;
import dev.gatehouse.notify.DevMailbox;

/**
 * The dev mailbox: what the {@code dev-mailbox} gateway "delivered". It shows live links and codes to anyone, so it
 * exists only with that gateway and never in the prod profile (which also refuses that gateway).
 */
@Controller
@Profile("!prod")
@ConditionalOnProperty(name = "gatehouse.mail.gateway", havingValue = "dev-mailbox", matchIfMissing = true)
class DevMailboxController {

    private static final int LIMIT = 200;
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"']+");

    /**
     * The HTML body is served on its own, sandboxed (no script, no same-origin access, no forms) so mail markup never
     * runs with this site's rights; its inline styles are allowed there only. Links open outside the frame.
     */
    static final String HTML_BODY_CSP = "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
            + "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    private final DevMailbox mailbox;

    DevMailboxController(DevMailbox mailbox) {
        this.mailbox = mailbox;
    }

    @GetMapping("/dev/mailbox")
    String list(@RequestParam(required = false) String to, Model model) {
        String recipient = to == null ? "" : to.strip();
        model.addAttribute("to", recipient);
        model.addAttribute("messages", recipient.isEmpty() ? mailbox.recent(LIMIT) : mailbox.recentTo(recipient, LIMIT));
        return "dev/mailbox";
    }

    /** The newest message to an address, for people and browser tests that know only whom they wrote to. */
    @GetMapping("/dev/mailbox/latest")
    String latest(@RequestParam String to) {
        DevMailMessage message = mailbox.latestTo(to.strip())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        return "redirect:/dev/mailbox/" + message.id();
    }

    @GetMapping("/dev/mailbox/{id}")
    String show(@PathVariable UUID id, Model model) {
        DevMailMessage message = mailbox.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("message", message);
        model.addAttribute("textLines", lines(message.textBody()));
        return "dev/message";
    }

    @GetMapping("/dev/mailbox/{id}/html")
    ResponseEntity<String> html(@PathVariable UUID id) {
        DevMailMessage message = mailbox.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        // Set before Spring Security writes its headers; its CSP writer keeps a policy already present. Its
        // X-Frame-Options DENY stays, but browsers ignore that header when the CSP has frame-ancestors.
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .header("Content-Security-Policy", HTML_BODY_CSP)
                .body(message.htmlBody().replaceFirst("<head>", "<head><base target=\"_blank\">"));
    }

    /** A piece of a text body: plain text, or an http(s) URL to show as a link. Thymeleaf escapes both. */
    record Segment(String text, boolean link) {
    }

    /** The body split into lines of segments, so the page can link URLs without ever emitting unescaped text. */
    static List<List<Segment>> lines(String body) {
        List<List<Segment>> lines = new ArrayList<>();
        for (String line : body.split("\r?\n", -1)) {
            List<Segment> segments = new ArrayList<>();
            Matcher m = URL.matcher(line);
            int at = 0;
            while (m.find()) {
                String url = trimTrailingPunctuation(m.group());
                if (m.start() > at) {
                    segments.add(new Segment(line.substring(at, m.start()), false));
                }
                segments.add(new Segment(url, true));
                at = m.start() + url.length();
            }
            if (at < line.length()) {
                segments.add(new Segment(line.substring(at), false));
            }
            lines.add(segments);
        }
        return lines;
    }

    private static String trimTrailingPunctuation(String url) {
        int end = url.length();
        while (end > 0 && ".,;:!?)]".indexOf(url.charAt(end - 1)) >= 0) {
            end--;
        }
        return url.substring(0, end);
    }
}
