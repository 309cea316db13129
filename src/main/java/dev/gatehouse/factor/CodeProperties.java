package dev.gatehouse.factor;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Codes Gatehouse sends by email or text message (DESIGN.md invariant 4), and the limits on sending them. The limits
 * count sends in fixed windows (aligned to the epoch, so a day is a UTC day) in the database, so they hold across
 * nodes; a send must fit every limit, else nothing is sent and the page says which limit and when sending is possible
 * again. Each limit is sized so that normal use never meets it (docs/configuration.md gives the reasoning):
 *
 * <ul>
 *   <li>a user's own budget is per channel (how the code travels) and purpose (sign-in, re-confirmation, setup), so
 *       signing in never eats the codes a setup needs, and email never eats the text messages;</li>
 *   <li>the network's budget counts every code asked for from one network (an office is many users);</li>
 *   <li>codes to a destination nobody has proved yet (setup) are also counted per destination and, for phone
 *       numbers, per country, whoever asks: that is where a third party can be flooded or SMS pumping pays. Codes
 *       to a proved destination are not, so nobody can use these up to stop another user's sign-in codes.</li>
 * </ul>
 *
 * @param validity                    how long a code works after it is sent; default 10 minutes, at most 1 hour
 * @param resendCooldown              the wait before "Send a new code" sends another code for the same challenge;
 *                                    default 60 seconds; shorter than {@code validity}
 * @param limitWindow                 the short window of the limits; default 15 minutes
 * @param userSendsPerWindow          codes one user may be sent per short window, for each channel and purpose;
 *                                    default 10 (five sign-ins, each with a "Send a new code")
 * @param userSendsPerDay             the same per UTC day; default 50
 * @param ipSendsPerWindow            codes requests from one network may cause per short window; default 30 (an
 *                                    office behind one address is many users)
 * @param ipSendsPerDay               the same per UTC day; default 200
 * @param destinationSetupSendsPerWindow setup codes to one address or number per short window, from all users;
 *                                    default 5
 * @param destinationSetupSendsPerDay the same per UTC day; default 10
 * @param countrySetupSendsPerWindow  setup codes to phone numbers of one country per short window, from all users;
 *                                    default 100
 * @param countrySetupSendsPerDay     the same per UTC day; default 1000
 */
@ConfigurationProperties("gatehouse.codes")
public record CodeProperties(@DefaultValue("10m") Duration validity,
                             @DefaultValue("60s") Duration resendCooldown,
                             @DefaultValue("15m") Duration limitWindow,
                             @DefaultValue("10") int userSendsPerWindow,
                             @DefaultValue("50") int userSendsPerDay,
                             @DefaultValue("30") int ipSendsPerWindow,
                             @DefaultValue("200") int ipSendsPerDay,
                             @DefaultValue("5") int destinationSetupSendsPerWindow,
                             @DefaultValue("10") int destinationSetupSendsPerDay,
                             @DefaultValue("100") int countrySetupSendsPerWindow,
                             @DefaultValue("1000") int countrySetupSendsPerDay) {

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
                || ipSendsPerDay < ipSendsPerWindow || destinationSetupSendsPerWindow < 1
                || destinationSetupSendsPerDay < destinationSetupSendsPerWindow || countrySetupSendsPerWindow < 1
                || countrySetupSendsPerDay < countrySetupSendsPerWindow) {
            throw new IllegalArgumentException("gatehouse.codes: each limit must be at least 1, and each per-day limit"
                    + " at least its per-window limit");
        }
    }
}
