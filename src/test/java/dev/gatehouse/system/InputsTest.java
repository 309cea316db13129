package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputsTest {

    @Test
    void emailProblemWhenPlainAddressThenNone() {
        assertThat(Inputs.emailProblem("ada@example.com")).isEmpty();
        assertThat(Inputs.emailProblem("  Zoe.Unal+tag@exämple.org ")).isEmpty();
    }

    @Test
    void emailProblemWhenHeaderInjectionThenInvalid() {
        assertThat(Inputs.emailProblem("ada@example.com\r\nBcc: eve@example.com")).contains("input.email.invalid");
        assertThat(Inputs.emailProblem("ada@example.com\nX")).contains("input.email.invalid");
    }

    /**
     * A mail library reads a comment, a display name, a group or a quoted part around an address as the plain address
     * inside, so each spelling would be another address to every per-address limit while reaching the same mailbox
     * (found by an outside attack in stop 31: eight invitations to one inbox within the limit of three).
     */
    @Test
    void emailProblemWhenTheAddressIsWrappedInAnotherSpellingOfItThenInvalid() throws Exception {
        for (String spelling : java.util.List.of("ada@example.com(2)", "(x)ada@example.com", "<ada@example.com>",
                "Ada <ada@example.com>", "g:ada@example.com;", "\"ada\"@example.com", "ada@[example.com]",
                "ada@example.com,eve@example.com", "a\\da@example.com")) {
            assertThat(Inputs.emailProblem(spelling)).as(spelling).contains("input.email.invalid");
        }
        for (String accepted : java.util.List.of("ada@example.com", "ada+tag@example.com", "o'brien@example.ie",
                "a.b-c_d@sub.example.co.uk", "zoe@exämple.org")) {
            assertThat(Inputs.emailProblem(accepted)).as(accepted).isEmpty();
            assertThat(new jakarta.mail.internet.InternetAddress(accepted, false).getAddress())
                    .as("what the SMTP gateway delivers to is the address as typed").isEqualTo(accepted);
        }
    }

    /**
     * Found by an outside attack in stop 31: mail goes out with ASCII headers, and the mail library wrote each other
     * letter before the @ as its low byte ("vict\u0169m@" reached "victim@"); and spaces no address has passed.
     */
    @Test
    void emailProblemWhenLettersBeyondAsciiBeforeTheAtOrInvisibleSpacesThenRefusedWithTheirOwnMessage() {
        assertThat(Inputs.emailProblem("vict\u0169m@example.com")).contains("input.email.asciiBeforeAt");
        assertThat(Inputs.emailProblem("Zoë.Ünal@exämple.org")).contains("input.email.asciiBeforeAt");
        for (String spelling : java.util.List.of("ada@example.com\u00a0x", "ada@exa\u200bmple.com",
                "ada\u2028@example.com", "ada@example.com.", "ada@example..com", ".ada@example.com", "ada.@example.com",
                "ada@.example.com")) {
            assertThat(Inputs.emailProblem(spelling)).as(spelling).contains("input.email.invalid");
        }
    }

    /**
     * Found by the second re-attack in stop 31: domains that IDNA maps to another one, so that each spelling counted as
     * a new address while the mail went to the plain domain (or, for faß.de, to fass.de, a stranger's).
     */
    @Test
    void emailProblemWhenTheDomainIsMappedToAnotherOneOnTheWayOutThenInvalid() {
        for (String spelling : java.util.List.of("ada@ex\uff41mple.com", "ada@exam\u034fple.com",
                "ada@exa\ufe0fmple.com", "ada@example.\u2102om", "ada@example.com\uff082\uff09", "ada@fa\u00df.de",
                "ada@exa_mple.com", "ada@corp.te\u017ft", "ada@\u00b5corp.com", "ada@\u03b1\u03c2.gr")) {
            assertThat(Inputs.emailProblem(spelling)).as(spelling).contains("input.email.invalid");
        }
        for (String accepted : java.util.List.of("ada@exämple.org", "ada@EXÄMPLE.org", "ada@xn--exmple-cua.org",
                "ada@xn--fa-hia.de", "ada@Example.COM", "ada@sub-domain.example.co.uk")) {
            assertThat(Inputs.emailProblem(accepted)).as(accepted).isEmpty();
        }
    }

    /** A capital letter whose small letter has no ASCII form (U+04C0, U+10A0): its mail could not be sent. */
    @Test
    void emailProblemWhenTheLowerCasedDomainHasNoAsciiFormThenInvalid() {
        for (String spelling : java.util.List.of("ada@\u04c0corp.com", "ada@\u10a0corp.ge", "ada@corp.\u10bbx")) {
            assertThat(Inputs.emailProblem(spelling)).as(spelling).contains("input.email.invalid");
        }
    }

    @Test
    void emailProblemWhenMalformedThenInvalid() {
        assertThat(Inputs.emailProblem("")).contains("input.email.required");
        assertThat(Inputs.emailProblem("ada")).contains("input.email.invalid");
        assertThat(Inputs.emailProblem("ada@localhost")).contains("input.email.invalid");
        assertThat(Inputs.emailProblem("a@b@c.d")).contains("input.email.invalid");
        assertThat(Inputs.emailProblem("x".repeat(250) + "@a.io")).contains("input.email.tooLong");
        assertThat(Inputs.emailProblem("ad\uFFFDa@example.com")).contains("input.email.invalid");
    }

    @Test
    void nameProblemWhenTenKilobytesThenTooLong() {
        assertThat(Inputs.nameProblem("n".repeat(10_240))).contains("input.name.tooLong");
        assertThat(Inputs.nameProblem("n".repeat(100))).isEmpty();
    }

    @Test
    void nameProblemWhenBrokenUtf8ReplacementCharacterThenInvalid() {
        assertThat(Inputs.nameProblem("Ada \uFFFD Lovelace")).contains("input.name.invalid");
        assertThat(Inputs.nameProblem("Ada\u0000")).contains("input.name.invalid");
        assertThat(Inputs.nameProblem("   ")).contains("input.name.required");
    }

    @Test
    void normalizeEmailLowercasesAndTrims() {
        assertThat(Inputs.normalizeEmail("  Ada@Example.COM ")).isEqualTo("ada@example.com");
    }
}
