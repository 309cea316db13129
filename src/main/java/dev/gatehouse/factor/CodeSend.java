package dev.gatehouse.factor;

import java.time.Instant;
import java.util.Objects;

/** The outcome of asking for a code to be sent. Only {@link Sent} sent anything. */
public sealed interface CodeSend {

    /** A new code is on its way; any earlier code of the challenge stopped working. */
    record Sent(CodeChallenge challenge) implements CodeSend {
        public Sent {
            Objects.requireNonNull(challenge, "challenge");
        }
    }

    /** The last code was sent less than the cooldown ago; a new one can be sent from {@code until}. */
    record CoolingDown(Instant until, CodeChallenge challenge) implements CodeSend {
        public CoolingDown {
            Objects.requireNonNull(until, "until");
            Objects.requireNonNull(challenge, "challenge");
        }
    }

    /**
     * A limit on sending codes is full ({@code budget} says which, so the page can say it); nothing was sent, and
     * sending is possible again from {@code until}.
     */
    record LimitReached(Instant until, Budget budget) implements CodeSend {
        public LimitReached {
            Objects.requireNonNull(until, "until");
            Objects.requireNonNull(budget, "budget");
        }
    }

    /** The limits a send must fit (see {@link CodeProperties} for their sizes and why). */
    enum Budget {
        /** This user's codes of one channel (how they travel) for one purpose (sign-in, re-confirmation, setup). */
        USER,
        /** Codes asked for from the client's network (an IPv4 address, an IPv6 /64, and its /48). */
        NETWORK,
        /** Setup codes to one address or number, whoever asks: nobody has proved it yet. */
        DESTINATION,
        /** Setup codes to phone numbers of one country, whoever asks (SMS pumping). */
        COUNTRY
    }

    /**
     * Codes cannot go to the destination (e.g. its country is not allowed any more, or no SMS gateway is configured);
     * {@code problemKey} is the message key that says why.
     */
    record Refused(String problemKey) implements CodeSend {
        public Refused {
            Objects.requireNonNull(problemKey, "problemKey");
        }
    }

    /** The challenge was already passed with a right code: it takes no more codes. */
    record Finished() implements CodeSend {
    }

    /** The user has no active method of that type. */
    record NoSuchMethod() implements CodeSend {
    }
}
