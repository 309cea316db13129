package dev.gatehouse.signin;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.crypto.Tokens;
import dev.gatehouse.notify.Notifier;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.system.Db;
import dev.gatehouse.user.SecurityNotice;
import dev.gatehouse.user.User;

/**
 * The browsers each user has signed in from, so a sign-in from one never seen before is announced by email. A browser
 * is a long-lived random id in a cookie; the database keeps a hash of it with the user id, so rows of two users cannot
 * be matched to one browser. The browser that completed a sign-up or an invitation is known from the start. A user
 * with no known browser at all (one from before this existed) gets their first one recorded silently.
 */
@Component
class KnownBrowsers {

    /** No user has this id: an unknown address is looked up as this user, so the query is the same. */
    private static final UUID NOBODY = new UUID(0, 0);

    private final JdbcClient jdbc;
    private final DeviceCookies cookies;
    private final Notifier notifier;
    private final TransactionTemplate tx;
    private final Clock clock;

    KnownBrowsers(JdbcClient jdbc, DeviceCookies cookies, Notifier notifier, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.cookies = cookies;
        this.notifier = notifier;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Records that {@code user} signed in on this browser (giving the browser its id if it has none). When the browser
     * is new to the user, {@code announce} is true and the user knew other browsers, emails them. Returns whether the
     * browser was new to the user.
     */
    boolean signedIn(User user, boolean announce, BrowserSession browser) {
        String hash = hash(user.id(), cookies.ensureBrowserId(browser));
        Instant now = clock.instant();
        ClientInfo client = browser.client();
        return Boolean.TRUE.equals(tx.execute(status -> {
            int added = jdbc.sql("""
                    insert into known_browsers (user_id, browser_hash, first_seen_at, last_seen_at) values (?, ?, ?, ?)
                    on conflict do nothing""")
                    .params(user.id(), hash, Db.ts(now), Db.ts(now)).update();
            if (added == 0) {
                jdbc.sql("update known_browsers set last_seen_at = ? where user_id = ? and browser_hash = ?")
                        .params(Db.ts(now), user.id(), hash).update();
                return false;
            }
            long known = jdbc.sql("select count(*) from known_browsers where user_id = ?").param(user.id())
                    .query(Long.class).single();
            if (announce && known > 1) {
                notifier.send(SecurityNotice.of(user, "new-browser-sign-in", now, client));
            }
            return true;
        }));
    }

    /**
     * This browser's own wrong-password counter key for the user, when the user has signed in on it before (OWASP's
     * "device cookie"): its failures are then counted apart from the address's, so someone pausing the address from
     * elsewhere does not keep the owner out of their usual browser. Costs the same one query whether or not the
     * address has a user, so its time tells nothing.
     */
    Optional<String> passwordCounter(Optional<UUID> userId, BrowserSession browser) {
        Optional<String> browserId = cookies.browserId(browser);
        if (browserId.isEmpty()) {
            return Optional.empty();
        }
        String hash = hash(userId.orElse(NOBODY), browserId.get());
        boolean known = jdbc.sql("select count(*) from known_browsers where user_id = ? and browser_hash = ?")
                .params(userId.orElse(NOBODY), hash).query(Long.class).single() > 0;
        return known ? Optional.of("browser." + hash) : Optional.empty();
    }

    private static String hash(UUID userId, String browserId) {
        return Tokens.sha256("known-browser:" + userId + ":" + browserId);
    }
}
