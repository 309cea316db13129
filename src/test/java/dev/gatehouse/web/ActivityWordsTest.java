package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.ResourceBundleMessageSource;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditEventType;

/** The activity lists' words for members' role changes, removals, re-sent invitations and tokens used twice. */
class ActivityWordsTest {

    private final ActivityWords words = new ActivityWords(messages());

    private static ResourceBundleMessageSource messages() {
        ResourceBundleMessageSource source = new ResourceBundleMessageSource();
        source.setBasename("messages");
        source.setDefaultEncoding("UTF-8");
        return source;
    }

    private static AuditEvent event(AuditEventType type, String detail) {
        return new AuditEvent(1L, Instant.parse("2026-12-05T10:00:00Z"), type, UUID.randomUUID(), UUID.randomUUID(),
                null, null, detail);
    }

    @Test
    void roleChangeSaysTheOldAndNewRoleAndWhoChangedIt() {
        assertThat(words.detail(event(AuditEventType.MEMBER_ROLE_CHANGED,
                "MEMBER -> ADMIN by Ada (by) Lovelace (" + UUID.randomUUID() + ")")))
                .isEqualTo("Member to Admin, by Ada (by) Lovelace");
    }

    @Test
    void removalSaysWhoRemovedTheMember() {
        assertThat(words.detail(event(AuditEventType.MEMBER_REMOVED, "ADMIN removed by Grace (" + UUID.randomUUID() + ")")))
                .isEqualTo("by Grace");
    }

    /** How a sign-in passed and where a code went, for the methods that have words for it; anything else as before. */
    @Test
    void signInAndCodeSentSayHowWhereTheMethodHasWords() {
        assertThat(words.what(event(AuditEventType.SIGN_IN, "password + TOTP")))
                .isEqualTo("Signed in with the authenticator app");
        assertThat(words.what(event(AuditEventType.SIGN_IN, "password + WEBAUTHN")))
                .isEqualTo("Signed in with a security key or device");
        assertThat(words.what(event(AuditEventType.SIGN_IN, "password + CARRIER_PIGEON"))).isEqualTo("Signed in");
        assertThat(words.what(event(AuditEventType.SIGN_IN, "password + backup code")))
                .isEqualTo("Signed in with a backup code");
        assertThat(words.what(event(AuditEventType.SIGN_IN, "password"))).isEqualTo("Signed in");
        assertThat(words.what(event(AuditEventType.CODE_SENT, "SMS SIGN_IN (new code)")))
                .isEqualTo("Verification code sent by text message");
        assertThat(words.what(event(AuditEventType.CODE_SENT, "EMAIL SETUP"))).isEqualTo("Verification code sent by email");
        assertThat(words.what(event(AuditEventType.CODE_SENT, null))).isEqualTo("Verification code sent");
    }

    @Test
    void resentInvitationSaysItsRole() {
        assertThat(words.detail(event(AuditEventType.INVITATION_RESENT, "ADMIN"))).isEqualTo("as Admin");
    }

    /** A refresh token used twice names its application, which the user needs to know which sign-in ended. */
    @Test
    void tokenUsedTwiceNamesTheApplicationAndWithoutANameStillReads() {
        assertThat(words.what(event(AuditEventType.APPLICATION_TOKEN_REUSED, "Billing {0} 'x'")))
                .isEqualTo("Signed out of the application \u201cBilling {0} 'x'\u201d: one of its tokens was used twice,"
                        + " so it may have been copied");
        assertThat(words.what(event(AuditEventType.APPLICATION_TOKEN_REUSED, null)))
                .isEqualTo("Signed out of an application: one of its tokens was used twice, so it may have been copied");
        assertThat(words.what(event(AuditEventType.PHONE_CHANGED, "GB, proved"))).as("a type that did not opt in")
                .isEqualTo("Phone number changed");
    }

    /** A change of the primary method says which one it now is (it said "Primary method changed" alone). */
    @Test
    void primaryMethodChangeNamesTheMethod() {
        assertThat(words.what(event(AuditEventType.PRIMARY_METHOD_CHANGED, "EMAIL")))
                .isEqualTo("Primary method changed to: Email codes");
        assertThat(words.what(event(AuditEventType.PRIMARY_METHOD_CHANGED, null)))
                .isEqualTo("Primary method changed");
    }

    @Test
    void detailsNotWrittenForPeopleStayHidden() {
        assertThat(words.detail(event(AuditEventType.MEMBER_ROLE_CHANGED, "garbled"))).isEmpty();
        assertThat(words.detail(event(AuditEventType.PHONE_CHANGED, "GB, proved"))).isEmpty();
    }
}
