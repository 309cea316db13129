package dev.gatehouse.factor.backupcode;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.gatehouse.crypto.Tokens;

/** The backup code format, its forgiving input, hashing and comparison (DESIGN.md invariant 5). */
class BackupCodesTest {

    @Test
    void backupCodes_atLeast64BitsEach() {
        double bitsPerCode = BackupCodes.LENGTH * Math.log(BackupCodes.ALPHABET.length()) / Math.log(2);
        assertThat(bitsPerCode).isGreaterThanOrEqualTo(64);
        assertThat(BackupCodes.ALPHABET.chars().distinct().count()).isEqualTo(32);
        assertThat(BackupCodes.ALPHABET).doesNotContain("I", "L", "O", "U");

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            List<String> set = BackupCodes.newSet();
            assertThat(set).hasSize(BackupCodes.COUNT).doesNotHaveDuplicates()
                    .allMatch(c -> c.matches("[0-9A-HJKMNP-TV-Z]{7}-[0-9A-HJKMNP-TV-Z]{7}"));
            seen.addAll(set);
        }
        assertThat(seen).as("no repeats across 500 codes").hasSize(500);
        // Every character position takes many values: the generator is not stuck on part of the alphabet.
        for (int position = 0; position < 15; position++) {
            if (position == 7) {
                continue;
            }
            int p = position;
            assertThat(seen.stream().map(c -> c.charAt(p)).distinct().count()).as("position %d", p)
                    .isGreaterThan(20);
        }
    }

    @Test
    void backupCodes_acceptedWithOrWithoutSeparatorAndAnyCase() {
        String canonical = "7KQ2M9CXH4TR8D";
        for (String typed : List.of("7KQ2M9C-XH4TR8D", "7KQ2M9CXH4TR8D", "7kq2m9c-xh4tr8d", "7kq2m9cxh4tr8d",
                " 7KQ2 M9C XH4T R8D ", "7KQ2M9C\u00a0XH4TR8D", "7Kq2M9c-Xh4tR8d")) {
            assertThat(BackupCodes.normalize(typed)).as(typed).contains(canonical);
        }
        // Look-alikes are read as what they must mean: O is 0, I and L are 1.
        assertThat(BackupCodes.normalize("O1I2345-L89ABCD")).contains("0112345189ABCD");
        assertThat(BackupCodes.normalize("o1i2345-l89abcd")).contains("0112345189ABCD");
        for (String bad : List.of("", "7KQ2M9C-XH4TR8", "7KQ2M9C-XH4TR8DD", "7KQ2M9C_XH4TR8D", "7KQ2M9C-XH4TR8U",
                "ÄKQ2M9C-XH4TR8D", "x".repeat(41))) {
            assertThat(BackupCodes.normalize(bad)).as(bad).isEmpty();
        }
        assertThat(BackupCodes.normalize(null)).isEmpty();
        assertThat(BackupCodes.display(canonical)).isEqualTo("7KQ2M9C-XH4TR8D");
    }

    @Test
    void backupCodes_storedHashed() {
        UUID ada = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        String canonical = BackupCodes.normalize(BackupCodes.newSet().get(0)).orElseThrow();
        String hash = BackupCodes.hash(ada, canonical);
        assertThat(hash).matches("[0-9a-f]{64}").doesNotContainIgnoringCase(canonical);
        assertThat(BackupCodes.hash(ada, canonical)).isEqualTo(hash);
        assertThat(BackupCodes.hash(bob, canonical)).as("bound to the user").isNotEqualTo(hash);
    }

    @Test
    void backupCodes_comparedInConstantTime() {
        UUID ada = UUID.randomUUID();
        List<String> stored = new ArrayList<>();
        BackupCodes.newSet().forEach(c -> stored.add(BackupCodes.hash(ada, BackupCodes.normalize(c).orElseThrow())));

        // Whether the typed code is the first, the last or none of them, every stored hash is compared.
        for (int target : new int[] {0, 4, stored.size() - 1, -1}) {
            String typed = target < 0 ? Tokens.sha256("nothing") : stored.get(target);
            AtomicInteger comparisons = new AtomicInteger();
            int found = BackupCodes.indexOf(stored, typed, (a, b) -> {
                comparisons.incrementAndGet();
                return Tokens.equal(a, b);
            });
            assertThat(found).isEqualTo(target);
            assertThat(comparisons).as("comparisons for target %d", target).hasValue(stored.size());
        }
        assertThat(BackupCodes.indexOf(stored, stored.get(3))).isEqualTo(3);
        // And each comparison is the JDK's constant-time one (MessageDigest.isEqual looks at every byte).
        IntStream.range(0, stored.size()).forEach(i -> assertThat(Tokens.equal(stored.get(i), stored.get(i))
                ).isEqualTo(MessageDigest.isEqual(stored.get(i).getBytes(), stored.get(i).getBytes())));
    }

    @Test
    void pdfWhenRenderedThenOnePageWithProductEmailDateAndCodes() throws Exception {
        List<String> codes = BackupCodes.newSet();
        byte[] pdf = BackupCodesPdf.render("Gatehouse", "ada@example.com", Instant.parse("2026-11-23T10:00:00Z"),
                java.time.ZoneOffset.UTC, codes);
        assertThat(new String(pdf, 0, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            assertThat(doc.getNumberOfPages()).isEqualTo(1);
            String text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
            assertThat(text).contains("Gatehouse backup codes", "ada@example.com", "23 November 2026",
                    "Use a backup code");
            codes.forEach(c -> assertThat(text).contains(c));
        }
    }

    @Test
    void textWhenRenderedThenSameContentAsThePdf() {
        List<String> codes = BackupCodes.newSet();
        String text = BackupCodesText.render("Gatehouse", "ada@example.com", Instant.parse("2026-11-23T10:00:00Z"),
                java.time.ZoneOffset.UTC, codes);
        assertThat(text).startsWith("Gatehouse backup codes\r\nFor ada@example.com\r\nCreated 23 November 2026")
                .contains(" 1. " + codes.get(0) + "\r\n", "10. " + codes.get(9) + "\r\n");
    }

    @Test
    void pdfAndTextWhenTheReaderIsInAnotherZoneThenTheDateIsTheirDay() throws Exception {
        List<String> codes = BackupCodes.newSet();
        Instant lateEvening = Instant.parse("2026-11-23T22:30:00Z");
        java.time.ZoneId auckland = java.time.ZoneId.of("Pacific/Auckland");
        assertThat(BackupCodesText.render("Gatehouse", "ada@example.com", lateEvening, auckland, codes))
                .contains("Created 24 November 2026");
        byte[] pdf = BackupCodesPdf.render("Gatehouse", "ada@example.com", lateEvening, auckland, codes);
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            assertThat(new org.apache.pdfbox.text.PDFTextStripper().getText(doc)).contains("Created 24 November 2026");
        }
        assertThat(BackupCodesText.render("Gatehouse", "ada@example.com", lateEvening, java.time.ZoneOffset.UTC, codes))
                .contains("Created 23 November 2026");
    }
}
