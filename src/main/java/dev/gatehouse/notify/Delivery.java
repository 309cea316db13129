package dev.gatehouse.notify;

import java.util.Objects;

/** What a gateway reports for one message. A failure is an expected outcome (servers go down), not an exception. */
sealed interface Delivery {

    /** The gateway accepted the message. */
    record Delivered() implements Delivery {
    }

    /**
     * The gateway did not take the message.
     *
     * @param reason    the error's class name, e.g. {@code MailConnectException}; never message text or content
     * @param permanent true when retrying cannot help (e.g. a malformed address), so the relay gives up at once
     */
    record Failed(String reason, boolean permanent) implements Delivery {

        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
