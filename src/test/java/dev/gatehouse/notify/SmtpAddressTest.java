package dev.gatehouse.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.internet.AddressException;

import org.junit.jupiter.api.Test;

/** The recipient as SMTP gets it: ASCII only, never another mailbox than the one stored (stop 31). */
class SmtpAddressTest {

    @Test
    void asciiWhenTheDomainHasOtherLettersThenItGoesInItsIdnaForm() throws Exception {
        assertThat(SmtpMailGateway.ascii("ada@example.com")).isEqualTo("ada@example.com");
        assertThat(SmtpMailGateway.ascii("ada@exämple.org")).isEqualTo("ada@xn--exmple-cua.org");
    }

    @Test
    void asciiWhenTheLocalPartHasOtherLettersThenRefusedRatherThanCutToAnotherMailbox() {
        assertThatThrownBy(() -> SmtpMailGateway.ascii("vict\u0169m@example.com")).isInstanceOf(AddressException.class);
        assertThatThrownBy(() -> SmtpMailGateway.ascii("no-at-sign")).isInstanceOf(AddressException.class);
    }
}
