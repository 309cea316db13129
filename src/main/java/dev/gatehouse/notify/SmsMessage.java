package dev.gatehouse.notify;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A text message to render from {@code templates/sms/<template>.txt} (plain text, nothing escaped).
 *
 * @param to        the recipient in E.164 form ({@code +} and 7 to 15 digits), already checked by the caller for being a
 *                  mobile number in an allowed country; never null
 * @param template  the template name, e.g. {@code "verification-code"}; never null
 * @param variables template variables; {@code productName} is added by the renderer
 * @param notAfter  when the message becomes pointless (a code's expiry); null means never. A message still undelivered
 *                  then is dropped instead of being sent late.
 */
public record SmsMessage(String to, String template, Map<String, Object> variables, Instant notAfter) {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    public SmsMessage {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(template, "template");
        if (!E164.matcher(to).matches()) {
            throw new IllegalArgumentException("to must be an E.164 number such as +447700900123");
        }
        if (!template.matches("[a-z0-9-]{1,60}")) {
            throw new IllegalArgumentException("template must be a plain template name: " + template);
        }
        variables = Map.copyOf(variables);
    }

    @Override
    public String toString() {
        // The variables carry the code: a stray log of this record must not print them.
        return "SmsMessage[template=" + template + "]";
    }
}
