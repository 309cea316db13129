package dev.gatehouse.signin;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** That the user of this session re-confirmed who they are ("sudo"), and when. Kept in the server-side session. */
record Reconfirmation(UUID userId, Instant at) implements Serializable {

    static final String ATTRIBUTE = "gatehouse.reconfirmation";
}
