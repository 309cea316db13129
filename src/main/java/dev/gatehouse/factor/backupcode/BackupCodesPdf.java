package dev.gatehouse.factor.backupcode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * One clean A4 page with a user's backup codes: product name, email, date (in the reader's zone: the day they made
 * them), the codes in two columns, how to use them.
 * Standard-14 fonts only (nothing embedded, nothing fetched); text is real text, so it can be copied and read by
 * {@code pdftotext}. The text passed in is plain: WinAnsi encoding, characters it lacks are replaced by '?'.
 */
public final class BackupCodesPdf {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);

    private BackupCodesPdf() {
    }

    public static byte[] render(String productName, String email, Instant createdAt, ZoneId zone,
                                List<String> codes) {
        PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        PDType1Font mono = new PDType1Font(Standard14Fonts.FontName.COURIER_BOLD);
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle(plain(productName) + " backup codes");
            info.setProducer(plain(productName));
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            float left = 72;
            float top = page.getMediaBox().getHeight() - 72;
            try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
                text(s, bold, 22, left, top, plain(productName) + " backup codes");
                text(s, regular, 11, left, top - 28, "For " + plain(email));
                text(s, regular, 11, left, top - 44, "Created " + DATE.format(createdAt.atZone(zone))
                        + ". Creating new codes makes all of these stop working.");
                s.setLineWidth(0.7f);
                s.addRect(left, top - 84 - 5 * 34, 451, 5 * 34 + 22);
                s.stroke();
                for (int i = 0; i < codes.size(); i++) {
                    float x = left + 24 + (i % 2) * 226;
                    float y = top - 96 - (i / 2) * 34;
                    text(s, regular, 10, x, y, (i + 1) + ".");
                    text(s, mono, 15, x + 22, y, plain(codes.get(i)));
                }
                float y = top - 84 - 5 * 34 - 36;
                text(s, bold, 12, left, y, "How to use them");
                String[] help = {
                        "- When you sign in and cannot use your usual method, choose \"Try another way\", then",
                        "  \"Use a backup code\".",
                        "- Each code works once. Dashes, spaces and letter case do not matter.",
                        "- Keep this page somewhere safe and private, like a password manager or a locked drawer.",
                        "- Running low? Create a new set on the Security page; the old set then stops working."};
                for (int i = 0; i < help.length; i++) {
                    text(s, regular, 11, left, y - 20 - i * 17, help[i]);
                }
            }
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not render the backup codes PDF", e);
        }
    }

    private static void text(PDPageContentStream s, PDType1Font font, float size, float x, float y, String text)
            throws IOException {
        s.beginText();
        s.setFont(font, size);
        s.newLineAtOffset(x, y);
        s.showText(text);
        s.endText();
    }

    /** Keeps what the standard fonts can show; anything else (e.g. an emoji in an address) becomes '?'. */
    private static String plain(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.append(c >= 0x20 && c < 0x7f || c >= 0xa0 && c <= 0xff ? (char) c : '?'));
        return out.toString();
    }
}
