package dev.gatehouse.user;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.system.ClientInfo;

/**
 * A security email to a user about something that was just done to their account (DESIGN.md invariant 10): every one
 * greets them by name and says when, from which browser and from which address it was done, so each template can
 * tell them the same way and a reader can spot a change that was not theirs.
 */
public final class SecurityNotice {

    private SecurityNotice() {
    }

    /**
     * The email {@code template} to {@code user}, with {@code displayName}, {@code when}, {@code ip} and
     * {@code browser} set, plus the template's own {@code details} (whose names must not be one of those four).
     */
    public static EmailMessage of(User user, String template, Instant when, ClientInfo client,
                                  Map<String, Object> details) {
        Map<String, Object> variables = new LinkedHashMap<>(details);
        for (Map.Entry<String, Object> common : Map.<String, Object>of("displayName", user.displayName(),
                "when", when, "ip", client.ip(), "browser", client.browser()).entrySet()) {
            if (variables.putIfAbsent(common.getKey(), common.getValue()) != null) {
                throw new IllegalArgumentException("details must not set " + common.getKey());
            }
        }
        return EmailMessage.of(user.email(), template, variables);
    }

    public static EmailMessage of(User user, String template, Instant when, ClientInfo client) {
        return of(user, template, when, client, Map.of());
    }
}
