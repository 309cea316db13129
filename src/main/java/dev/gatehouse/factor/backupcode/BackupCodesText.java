package dev.gatehouse.factor.backupcode;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The "Download text" version of a set: the same content as the PDF, as plain UTF-8 text with CRLF line ends. */
public final class BackupCodesText {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);

    private BackupCodesText() {
    }

    public static String render(String productName, String email, Instant createdAt, ZoneId zone,
                                List<String> codes) {
        StringBuilder out = new StringBuilder();
        out.append(productName).append(" backup codes\r\n");
        out.append("For ").append(email).append("\r\n");
        out.append("Created ").append(DATE.format(createdAt.atZone(zone)))
                .append(". Creating new codes makes all of these stop working.\r\n\r\n");
        for (int i = 0; i < codes.size(); i++) {
            out.append(String.format(Locale.ROOT, "%2d. %s\r\n", i + 1, codes.get(i)));
        }
        out.append("\r\nHow to use them\r\n");
        out.append("- When you sign in and cannot use your usual method, choose \"Try another way\", then\r\n")
                .append("  \"Use a backup code\".\r\n");
        out.append("- Each code works once. Dashes, spaces and letter case do not matter.\r\n");
        out.append("- Keep this somewhere safe and private, like a password manager.\r\n");
        out.append("- Running low? Create a new set on the Security page; the old set then stops working.\r\n");
        return out.toString();
    }
}
