package dev.gatehouse.web.settings;

import jakarta.servlet.http.HttpServletRequest;

import dev.gatehouse.factor.IssuedBackupCodes;

/**
 * A set of backup codes just issued (with the user's first method, or a new set), kept sealed in the session and
 * shown by {@code BackupCodesController} until the user confirms they saved it; never in a URL.
 */
public final class BackupCodesToShow {

    /** Session attribute: the set just issued, until the user confirms they saved it. */
    public static final String ISSUED = "gatehouse.issuedBackupCodes";
    /** Session attribute: whether the set being shown came with the user's first method. */
    public static final String FIRST = "gatehouse.issuedBackupCodes.first";
    public static final String SHOW = "/settings/backup-codes";

    private BackupCodesToShow() {
    }

    /** Keeps a set just issued in the session and returns where to show it. */
    public static String show(HttpServletRequest request, IssuedBackupCodes issued, boolean first) {
        request.getSession().setAttribute(ISSUED, issued);
        request.getSession().setAttribute(FIRST, first);
        return "redirect:" + SHOW;
    }
}
