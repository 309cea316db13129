package dev.gatehouse.web.dev;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import dev.gatehouse.notify.DevMailbox;

/**
 * Every page of a server whose messages go to the dev mailbox (the trial's default) says so at its foot, with a link:
 * a first-time user asked to "check your email" for a sign-up link or a code had no inbox to check and nothing on the
 * page saying where the message went (stop 37's walk-through). The mailbox exists exactly when its store does: the
 * store comes with the dev-mailbox gateway, which the prod profile refuses.
 */
@ControllerAdvice
class DevMailboxNote {

    private final boolean mailbox;

    DevMailboxNote(ObjectProvider<DevMailbox> mailbox) {
        this.mailbox = mailbox.getIfAvailable() != null;
    }

    @ModelAttribute("devMailbox")
    boolean devMailbox() {
        return mailbox;
    }
}
