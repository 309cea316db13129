package dev.gatehouse.web;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.gatehouse.signin.CurrentBrowserSession;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.Times;
import dev.gatehouse.user.UserDetails;

/**
 * Times on pages, in the zone of whoever reads the page ({@code ${@times.dateTime(e.occurredAt())}} in templates):
 * the signed-in user's zone; during a sign-in, the zone of the user who passed the password; before that, the zone
 * the page's own form reported ({@code timeZone}, filled by {@code js/time-zone.js}), so a pause message shown to
 * whoever typed an address never tells that address's owner's zone. UTC when none is known. Looked up once a request.
 * The wording is {@link Times}'s.
 */
@Component("times")
public class PageTimes {

    private static final String CACHED = PageTimes.class.getName() + ".zone";

    private final Times times;
    private final UserDetails details;
    private final SignInService signIn;
    private final ObjectProvider<CurrentBrowserSession> browser;

    PageTimes(Times times, UserDetails details, SignInService signIn, ObjectProvider<CurrentBrowserSession> browser) {
        this.times = times;
        this.details = details;
        this.signIn = signIn;
        this.browser = browser;
    }

    /** {@code 5 Dec 2026, 14:32 GMT}. */
    public String dateTime(Instant instant) {
        return times.dateTime(instant, zone());
    }

    /** {@code 5 Dec 2026}. */
    public String date(Instant instant) {
        return times.date(instant, zone());
    }

    /** {@code 5 December 2026}. */
    public String longDate(Instant instant) {
        return times.longDate(instant, zone());
    }

    /** {@code 14:32 GMT}, a deadline (rounded down). */
    public String time(Instant instant) {
        return times.time(instant, zone());
    }

    /** {@code 14:32:10 GMT}. */
    public String timeWithSeconds(Instant instant) {
        return times.timeWithSeconds(instant, zone());
    }

    /** {@code 13:44 GMT} for 13:43:20: when something is possible again (rounded up). */
    public String from(Instant instant) {
        return times.from(instant, zone());
    }

    /** Whole minutes since {@code instant}, rounded down, at least 0. */
    public long minutesSince(Instant instant) {
        return times.minutesSince(instant);
    }

    /** Whole minutes until {@code instant}, rounded up, at least 1. */
    public long minutesUntil(Instant instant) {
        return times.minutesUntil(instant);
    }

    /** {@code Europe/London (UTC+00:00)}: a zone as the list of zones shows it. */
    public String label(String zoneId) {
        return times.label(zoneId);
    }

    /** {@code London (UTC+00:00)}: a zone as its region's group in the list shows it. */
    public String placeLabel(String zoneId) {
        return times.placeLabel(zoneId);
    }

    /** {@code London (UTC+00:00)}, or {@code UTC}: a zone as a sentence names it ({@link Times#spoken}). */
    public String spoken(String zoneId) {
        return times.spoken(zoneId);
    }

    /** The reader's zone as a sentence names it ({@code London (UTC+01:00)}; {@code UTC} when none is known). */
    public String zoneSpoken() {
        return times.spoken(zone().getId());
    }

    /** The zone times on this request are shown in. */
    public ZoneId zone() {
        Optional<HttpServletRequest> request = request();
        if (request.isPresent() && request.get().getAttribute(CACHED) instanceof ZoneId cached) {
            return cached;
        }
        ZoneId zone = lookUp(request).orElse(ZoneOffset.UTC);
        request.ifPresent(r -> r.setAttribute(CACHED, zone));
        return zone;
    }

    private Optional<ZoneId> lookUp(Optional<HttpServletRequest> request) {
        Optional<SignedInUser> signedIn = SignedInNow.user();
        if (signedIn.isPresent()) {
            return details.timeZone(signedIn.get().userId());
        }
        Optional<ZoneId> pending = Optional.ofNullable(browser.getIfAvailable()).flatMap(CurrentBrowserSession::get)
                .flatMap(signIn::pending).flatMap(p -> details.timeZone(p.userId()));
        if (pending.isPresent()) {
            return pending;
        }
        return request.flatMap(r -> Times.zone(r.getParameter("timeZone")));
    }

    private static Optional<HttpServletRequest> request() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? Optional.of(attributes.getRequest()) : Optional.empty();
    }
}
