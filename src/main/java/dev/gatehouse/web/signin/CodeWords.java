package dev.gatehouse.web.signin;

import java.time.Clock;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import dev.gatehouse.signin.SecondFactorStep;
import dev.gatehouse.web.Messages;
import dev.gatehouse.web.TooManyRequests;

/**
 * The words for a code step that did not pass (a wrong code, a lock, a suspension) and the status that goes with
 * them: the code step of sign-in, a backup code, "Confirm it's you" and the setup of a code method all say it alike.
 */
@Component
public class CodeWords {

    private final Messages messages;
    private final Clock clock;

    CodeWords(Messages messages, Clock clock) {
        this.messages = messages;
        this.clock = clock;
    }

    /** Puts the words for a failed code step into the model. */
    public void describe(SecondFactorStep step, Model model, HttpServletResponse response) {
        describe(step, model, response, "code.wrong");
    }

    /**
     * As {@link #describe(SecondFactorStep, Model, HttpServletResponse, String)}, on a signed-in user's own pages (the
     * set-up of a code method, "Confirm it's you"). The pause counts wrong codes typed at sign-in too, so a user who
     * typed none here met a pause with nothing saying where it came from (left since stop 33): it says so, and that
     * wrong codes at sign-in they did not type mean someone else may know their password.
     */
    public void describeForSignedIn(SecondFactorStep step, Model model, HttpServletResponse response, String wrongKey) {
        describe(step, model, response, wrongKey);
        if (step instanceof SecondFactorStep.Locked locked) {
            model.addAttribute("error", messages.until("tz.code.locked.signedIn", locked.until()));
        }
    }

    /** As {@link #describeForSignedIn}, a wrong code told as {@code code.wrong}. */
    public void describeForSignedIn(SecondFactorStep step, Model model, HttpServletResponse response) {
        describeForSignedIn(step, model, response, "code.wrong");
    }

    /** As {@link #describe(SecondFactorStep, Model, HttpServletResponse)}; a wrong code is told with {@code wrongKey}. */
    public void describe(SecondFactorStep step, Model model, HttpServletResponse response, String wrongKey) {
        if (step instanceof SecondFactorStep.WrongCode wrong) {
            model.addAttribute("error", wrong.remaining() > 0 && wrong.remaining() <= 3
                    ? messages.get(wrongKey + ".remaining", wrong.remaining()) : messages.get(wrongKey));
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        } else if (step instanceof SecondFactorStep.Locked locked) {
            model.addAttribute("locked", true);
            model.addAttribute("error", messages.until("tz.code.locked", locked.until()));
            TooManyRequests.until(response, clock.instant(), locked.until());
        } else if (step instanceof SecondFactorStep.Suspended) {
            model.addAttribute("locked", true);
            model.addAttribute("error", messages.get("code.suspended"));
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        }
    }
}
