package dev.gatehouse.web;

import java.util.Locale;
import java.util.Optional;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditEventType;

/**
 * How the activity lists word an event ({@code ${@activityWords.what(e)}}): an added or removed method by its kind
 * and, for one the user named, that name ("Security key “YubiKey” removed"); an event whose type has a message
 * {@code activity.<TYPE>.detail} and that has a detail by that message, the detail as its argument (the
 * application's name of {@code APPLICATION_TOKEN_REUSED}: a type opts in, since other details are not for the user);
 * every other event by {@code activity.<TYPE>} when there is such a message, else {@code audit.<TYPE>}. Names no
 * method itself: a method's words are {@code activity.method.<TYPE>}, else its {@code factor.<TYPE>} name.
 */
@Component("activityWords")
public class ActivityWords {

    private final MessageSource messages;

    ActivityWords(MessageSource messages) {
        this.messages = messages;
    }

    public String what(AuditEvent event) {
        Optional<String> method = event.method();
        if (method.isPresent()) {
            String kind = message("activity.method." + method.get())
                    .or(() -> message("factor." + method.get())).orElse(method.get());
            String key = "activity." + event.type().name();
            return event.methodName().map(name -> text(key + ".named", kind, name))
                    .orElseGet(() -> text(key + ".method", kind));
        }
        String key = "activity." + event.type().name();
        Optional<String> how = how(event);
        if (how.isPresent()) {
            return how.get();
        }
        if (event.detail() != null && !event.detail().isBlank()) {
            Optional<String> withDetail = message(key + ".detail", event.detail());
            if (withDetail.isPresent()) {
                return withDetail.get();
            }
        }
        return message(key).orElseGet(() -> text(event.labelKey()));
    }

    /**
     * How a sign-in passed its second step, or how a code was sent, where the words for that method exist
     * ({@code activity.SIGN_IN.TOTP}: "Signed in with the authenticator app"; {@code activity.CODE_SENT.SMS}: "...
     * by text message"); empty for any other event, or a method without such words (a new one reads as before). A
     * walk-through of stop 38 read "Signed in" and "Verification code sent" and could not tell how or where.
     */
    private Optional<String> how(AuditEvent event) {
        String detail = event.detail();
        if (detail == null) {
            return Optional.empty();
        }
        if (event.type() == AuditEventType.SIGN_IN && detail.startsWith("password + ")) {
            return message("activity.SIGN_IN." + detail.substring("password + ".length()));
        }
        if (event.type() == AuditEventType.CODE_SENT && detail.indexOf(' ') > 0) {
            return message("activity.CODE_SENT." + detail.substring(0, detail.indexOf(' ')));
        }
        return Optional.empty();
    }

    /**
     * What the account's activity adds to the words: the changes of its rules, who reset a member's two-step
     * verification, the role of an invitation; empty for every other event (their details are not for admins).
     */
    public String detail(AuditEvent event) {
        String detail = event.detail();
        if (detail == null || detail.isBlank()) {
            return "";
        }
        if (event.type() == AuditEventType.ACCOUNT_RULES_CHANGED) {
            // "allowed methods: TOTP, WEBAUTHN" in the words of the rules page (noticed by a new user).
            return METHOD_NAME.matcher(detail).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                    message("factor." + m.group()).orElse(m.group())));
        }
        if (event.type() == AuditEventType.TWO_FACTOR_RESET && detail.startsWith("by ") && detail.contains(" (")) {
            return text("activity.detail.resetBy", detail.substring(3, detail.lastIndexOf(" (")));
        }
        if (event.type() == AuditEventType.MEMBER_ROLE_CHANGED && detail.contains(" by ") && detail.contains(" (")) {
            java.util.regex.Matcher roles = ROLE_CHANGE.matcher(detail);
            if (roles.lookingAt()) {
                return text("activity.detail.roleChanged", text("role." + roles.group(1)),
                        text("role." + roles.group(2)), by(detail));
            }
        }
        if (event.type() == AuditEventType.MEMBER_REMOVED && detail.contains(" by ") && detail.contains(" (")) {
            return text("activity.detail.resetBy", by(detail));
        }
        if ((event.type() == AuditEventType.INVITATION_SENT || event.type() == AuditEventType.INVITATION_ACCEPTED
                || event.type() == AuditEventType.INVITATION_RESENT)
                && detail.matches("[A-Z]{1,10}")) {
            return text("activity.detail.role", text("role." + detail));
        }
        return "";
    }

    /** A method's stored name in a detail (TOTP, WEBAUTHN, ...). */
    private static final java.util.regex.Pattern METHOD_NAME = java.util.regex.Pattern.compile("\\b[A-Z][A-Z_]{2,}\\b");

    /** "MEMBER -> ADMIN by …": the old and the new role. */
    private static final java.util.regex.Pattern ROLE_CHANGE = java.util.regex.Pattern.compile("([A-Z]{1,10}) -> ([A-Z]{1,10}) by ");

    /** Who did it, from a detail ending "by <name> (<id>)". */
    private static String by(String detail) {
        return detail.substring(detail.indexOf(" by ") + 4, detail.lastIndexOf(" ("));
    }

    private Optional<String> message(String key, Object... args) {
        return Optional.ofNullable(messages.getMessage(key, args, null, locale()));
    }

    private String text(String key, Object... args) {
        return messages.getMessage(key, args, key, locale());
    }

    private static Locale locale() {
        return LocaleContextHolder.getLocale();
    }
}
