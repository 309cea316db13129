package dev.gatehouse.factor;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Codes Gatehouse sends by email or text message (DESIGN.md invariant 4), and the limits on sending them. The limits
 * count sends in fixed windows (aligned to the epoch, so a day is a UTC day) in the database, so they hold across
 * nodes; a send must fit every limit, else nothing is sent and the page says when sending is possible again.
 *
 * @param validity          how long a code works after it is sent; default 10 minutes, at most 1 hour
 * @param resendCooldown    the wait before "Send a new code" sends another code for the same challenge; default 60
 *                          seconds; shorter than {@code validity}
 * @param limitWindow       the short window of the limits; default 15 minutes
 * @param userSendsPerWindow codes one user may be sent per short window; default 5
 * @param userSendsPerDay    codes one user may be sent per UTC day; default 20
 * @param ipSendsPerWindow  codes requests from one IP address may cause per short window; default 30 (an office
 *                          behind one address is many users)
 * @param ipSendsPerDay     the same per UTC day; default 200
 */
@ConfigurationProperties("gatehouse.codes")
public record CodeProperties(@DefaultValue("10m") Duration validity,
                             @DefaultValue("60s") Duration resendCooldown,
                             @DefaultValue("15m") Duration limitWindow,
                             @DefaultValue("5") int userSendsPerWindow,
                             @DefaultValue("20") int userSendsPerDay,
                             @DefaultValue("30") int ipSendsPerWindow,
                             @DefaultValue("200") int ipSendsPerDay) {

    public CodeProperties {
        if (validity == null || validity.compareTo(Duration.ofSeconds(30)) < 0 || validity.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("gatehouse.codes.validity must be between 30 seconds and 1 hour");
        }
        if (resendCooldown == null || resendCooldown.isNegative() || resendCooldown.compareTo(validity) >= 0) {
            throw new IllegalArgumentException("gatehouse.codes.resend-cooldown must be at least 0 and shorter than"
                    + " gatehouse.codes.validity");
        }
        if (limitWindow == null || limitWindow.toSeconds() < 60 || limitWindow.compareTo(Duration.ofDays(1)) > 0
                || Duration.ofDays(1).toSeconds() % limitWindow.toSeconds() != 0) {
            throw new IllegalArgumentException("gatehouse.codes.limit-window must be whole minutes that divide a day,"
                    + " e.g. 15m");
        }
        if (userSendsPerWindow < 1 || userSendsPerDay < userSendsPerWindow || ipSendsPerWindow < 1
                || ipSendsPerDay < ipSendsPerWindow) {
            throw new IllegalArgumentException("gatehouse.codes: each limit must be at least 1, and each per-day limit"
                    + " at least its per-window limit");
        }
    }
}
