package dev.gatehouse.web;

import java.util.regex.Pattern;

/**
 * Links to "Confirm it's you" ({@code /settings/confirm}) and where it may lead on to. Used by
 * {@link ConfirmFirstInterceptor} and by every page that sends a session to confirm first or back from it.
 */
public final class ReconfirmLinks {

    /** Where a re-confirmation may lead: our own settings pages only, so {@code next} is no open redirect. */
    private static final Pattern NEXT = Pattern.compile("/settings/[a-z0-9/-]{1,80}"
            + "|/accounts/[0-9a-f-]{36}/(settings(/[a-z-]{1,30})?|details/recipients|applications"
            + "|members/[0-9a-f-]{36}/(reset-two-factor|role|remove))");

    private ReconfirmLinks() {
    }

    /** The "Confirm it's you" page, leading on to {@code next} (when it is a page allowed there). */
    public static String confirmLink(String next) {
        return "/settings/confirm?next=" + safeNext(next);
    }

    public static String safeNext(String next) {
        return next != null && NEXT.matcher(next).matches() && !next.contains("//") ? next : "/settings/security";
    }
}
