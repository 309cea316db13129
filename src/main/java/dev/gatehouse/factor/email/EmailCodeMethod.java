package dev.gatehouse.factor.email;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.gatehouse.factor.CodeMessage;
import dev.gatehouse.factor.CodePurpose;
import dev.gatehouse.factor.DestinationCheck;

import dev.gatehouse.factor.FactorType;

import dev.gatehouse.factor.SentCodeMethod;

import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.system.Inputs;
import dev.gatehouse.user.User;

/**
 * Codes by email, to the account's address or another one the user proves. The address must be one line: any control
 * character (a CR/LF trying to add a mail header) is refused before anything else, not trimmed away.
 */
@Component
public class EmailCodeMethod implements SentCodeMethod {

    static final String DISPLAY_NAME = "Email codes";

    public static final FactorType TYPE = new FactorType("EMAIL");

    /** Anything longer is refused unread (the address limit is {@link Inputs#EMAIL_MAX}). */
    private static final int TYPED_MAX = 1000;

    EmailCodeMethod() {
    }

    @Override
    public FactorType type() {
        return TYPE;
    }

    @Override
    public Destination destination() {
        return Destination.EMAIL_ADDRESS;
    }

    @Override
    public String displayName() {
        return DISPLAY_NAME;
    }

    @Override
    public DestinationCheck checkDestination(String typed, String region) {
        if (typed == null || typed.isBlank()) {
            return new DestinationCheck.Invalid("input.email.required");
        }
        if (typed.length() > TYPED_MAX) {
            return new DestinationCheck.Invalid("input.email.tooLong");
        }
        if (typed.chars().anyMatch(Character::isISOControl)) {
            return new DestinationCheck.Invalid("input.email.invalid");
        }
        return Inputs.emailProblem(typed).<DestinationCheck>map(DestinationCheck.Invalid::new)
                .orElseGet(() -> new DestinationCheck.Valid(Inputs.trim(typed), Inputs.trim(typed), null));
    }

    /** {@code ada@example.com} → {@code a•••@example.com}: enough to recognise, too little to harvest. */
    @Override
    public String masked(String destination) {
        int at = destination.lastIndexOf('@');
        if (at < 1) {
            return "•••";
        }
        return destination.charAt(0) + "•••" + destination.substring(at);
    }

    @Override
    public CodeMessage message(User user, String destination, String code, CodePurpose purpose, Instant expiresAt,
                               Duration validity) {
        return new CodeMessage.ByEmail(new EmailMessage(destination, "verification-code", Map.of(
                "displayName", user.displayName(), "code", code, "purpose", purpose.name(),
                "minutes", Math.max(1, validity.toMinutes()), "until", expiresAt), expiresAt));
    }
}
