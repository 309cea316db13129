package dev.gatehouse.web.signin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import dev.gatehouse.factor.CodeChallenge;
import dev.gatehouse.factor.CodeSend;
import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.PageTimes;

/**
 * The words every page with a sent code shares (sign-in, re-confirmation, setup): where the code went, how long it
 * works, when a new one may be asked for, and why none was sent. Times are in the reader's zone ({@link PageTimes}):
 * an expiry rounded down, a moment a new code may be asked for rounded up.
 */
@Component
public class SentCodeWords {

    private final Messages messages;
    private final PageTimes times;
    private final Clock clock;

    SentCodeWords(Messages messages, PageTimes times, Clock clock) {
        this.messages = messages;
        this.times = times;
        this.clock = clock;
    }

    /**
     * Puts the state of a challenge into the model for the {@code signin/sent-code} fragments: {@code sentTo},
     * {@code validUntil}, {@code minutes}, {@code resendAt} (null once a new code may be sent) and {@code expired}.
     */
    public void describe(Optional<CodeChallenge> challenge, String sentTo, Model model) {
        Instant now = clock.instant();
        model.addAttribute("sentCode", true);
        model.addAttribute("sentTo", sentTo);
        challenge.ifPresent(c -> {
            model.addAttribute("minutes", Duration.between(c.sentAt(), c.expiresAt()).toMinutes());
            model.addAttribute("codeSent", true);
            model.addAttribute("expired", c.expired(now));
            model.addAttribute("validUntil", times.time(c.expiresAt()));
            model.addAttribute("resendAt", c.canResend(now) ? null : times.timeWithSeconds(c.resendAt()));
        });
    }

    /**
     * Puts a sent-code prompt into the model (see {@link #describe(Optional, String, Model)}), and, when the start
     * tried to send and could not, why ({@code sendProblem}). Does nothing for other prompts.
     */
    public void describe(SecondFactorMethod.Start start, Model model) {
        start.prompt(SecondFactorMethod.Prompt.CodeSent.class).ifPresent(sent -> {
            if (sent.send() != null) {
                problem(sent.send()).ifPresent(problem -> model.addAttribute("sendProblem", problem));
            }
            describe(Optional.ofNullable(sent.challenge()), sent.shownDestination(), model);
        });
    }

    /** What to tell about a send: the message for a flash or a notice, empty when a code went. */
    public Optional<String> problem(CodeSend send) {
        if (send instanceof CodeSend.Sent) {
            return Optional.empty();
        }
        if (send instanceof CodeSend.CoolingDown cooling) {
            long seconds = Math.max(1, Duration.between(clock.instant(), cooling.until()).toSeconds());
            return Optional.of(messages.get("codes.coolingDown", seconds));
        }
        if (send instanceof CodeSend.LimitReached limited) {
            // The user's own budget keeps the wording people know; the others say whose budget it was.
            String key = limited.budget() == CodeSend.Budget.USER ? "tz.codes.limitReached"
                    : "budgets.limitReached." + limited.budget().name();
            return Optional.of(messages.get(key, times.from(limited.until()), times.minutesUntil(limited.until())));
        }
        if (send instanceof CodeSend.Refused refused) {
            return Optional.of(messages.get(refused.problemKey()));
        }
        return Optional.of(messages.get("codes.setup.expired"));
    }
}
