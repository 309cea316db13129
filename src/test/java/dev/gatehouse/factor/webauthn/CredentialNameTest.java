package dev.gatehouse.factor.webauthn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Friendly names are plain text: tidied, length-limited, never markup (escaping is the pages' job, and they do it). */
class CredentialNameTest {

    @Test
    void nameWhenSpacesAndInvisibleCharactersThenTidied() {
        assertThat(new CredentialName("  Blue \t YubiKey\n ").value()).isEqualTo("Blue YubiKey");
        // A right-to-left override would make "yek.exe" read as "exe.key"; zero-width spaces hide text.
        assertThat(new CredentialName("my\u202Eyek\u200B key\u0000").value()).isEqualTo("myyek key");
        assertThat(new CredentialName("Cle\u0301").value()).isEqualTo("Clé");
    }

    @Test
    void nameWhenMarkupThenKeptAsText() {
        assertThat(new CredentialName("<script>alert(1)</script>").value()).isEqualTo("<script>alert(1)</script>");
    }

    @Test
    void nameWhenEmptyOrTooLongThenProblemNamed() {
        assertThat(CredentialName.problem(null)).contains("webauthn.name.required");
        assertThat(CredentialName.problem(" \u200B ")).contains("webauthn.name.required");
        assertThat(CredentialName.problem("x".repeat(64))).isEmpty();
        assertThat(CredentialName.problem("\uD83D\uDD11".repeat(64))).as("64 emoji are 64 characters").isEmpty();
        // Absurd input is cut before cleaning, never inside an emoji (found by an outside attack: half of one was
        // stored and shown as "?").
        String cutAtAnEmoji = "\u200B".repeat(255) + "\uD83D\uDD11";
        assertThat(CredentialName.normalize(cutAtAnEmoji)).isEmpty();
        assertThat(CredentialName.normalize("key \uD83D")).as("a lone half of a character").isEqualTo("key");
        assertThat(CredentialName.problem("x".repeat(65))).contains("webauthn.name.tooLong");
        assertThat(CredentialName.problem("x".repeat(100_000))).contains("webauthn.name.tooLong");
        assertThatThrownBy(() -> new CredentialName("")).isInstanceOf(IllegalArgumentException.class);
    }
}
