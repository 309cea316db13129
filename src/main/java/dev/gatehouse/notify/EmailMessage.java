package dev.gatehouse.notify;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An email to render from the templates {@code templates/mail/<template>.html} and {@code .txt}; the subject is the
 * HTML template's {@code <title>}.
 *
 * @param to        the recipient address, already validated (no CR/LF); never null
 * @param template  the template name, e.g. {@code "password-changed"}; never null
 * @param variables template variables; {@code productName} and {@code baseUrl} are added by the renderer
 * @param notAfter  when the message becomes pointless (e.g. a code's expiry); null means it never expires. A message
 *                  still undelivered at that time is dropped instead of being sent late.
 */
public record EmailMessage(String to, String template, Map<String, Object> variables, Instant notAfter) {

    /**
     * A variable of this name holding a {@link java.time.ZoneId} is the zone the email's times are written in; without
     * it, the zone of the user who signs in with {@code to}, else UTC.
     */
    public static final String TIME_ZONE = "timeZone";

    public EmailMessage {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(template, "template");
        if (to.indexOf('\r') >= 0 || to.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("to must not contain line breaks");
        }
        if (!template.matches("[a-z0-9-]{1,60}")) {
            throw new IllegalArgumentException("template must be a plain template name: " + template);
        }
        variables = Map.copyOf(variables);
    }

    public static EmailMessage of(String to, String template, Map<String, Object> variables) {
        return new EmailMessage(to, template, variables, null);
    }
}
