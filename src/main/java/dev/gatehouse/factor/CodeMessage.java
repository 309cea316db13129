package dev.gatehouse.factor;

import java.util.Objects;

import dev.gatehouse.notify.EmailMessage;
import dev.gatehouse.notify.SmsMessage;

/** The message a {@link SentCodeMethod} writes around a code; the core queues it in the code's transaction. */
public sealed interface CodeMessage {

    record ByEmail(EmailMessage email) implements CodeMessage {
        public ByEmail {
            Objects.requireNonNull(email, "email");
        }
    }

    record BySms(SmsMessage sms) implements CodeMessage {
        public BySms {
            Objects.requireNonNull(sms, "sms");
        }
    }
}
