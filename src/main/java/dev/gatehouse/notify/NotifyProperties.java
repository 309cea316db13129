package dev.gatehouse.notify;

import java.util.Objects;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How email leaves Gatehouse.
 *
 * @param gateway {@code dev-mailbox} (default): nothing leaves the machine, messages appear on {@code /dev/mailbox},
 *                for trials and development only (the prod profile refuses it); {@code smtp}: sent through the
 *                server configured under {@code spring.mail.*} (host, port, username, password,
 *                {@code properties.mail.smtp.starttls.enable})
 * @param from    the From header, an address with an optional display name; default
 *                {@code Gatehouse <no-reply@localhost>}. Use an address of a domain whose SPF/DKIM cover your SMTP
 *                server, or mail ends up as spam.
 */
@ConfigurationProperties("gatehouse.mail")
record NotifyProperties(@DefaultValue("dev-mailbox") String gateway,
                        @DefaultValue("Gatehouse <no-reply@localhost>") String from) {

    NotifyProperties {
        Objects.requireNonNull(gateway, "gatehouse.mail.gateway");
        Objects.requireNonNull(from, "gatehouse.mail.from");
        if (!gateway.equals("dev-mailbox") && !gateway.equals("smtp")) {
            throw new IllegalArgumentException("gatehouse.mail.gateway must be smtp or dev-mailbox, not " + gateway);
        }
        try {
            new InternetAddress(from, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("gatehouse.mail.from is not a valid address: " + from, e);
        }
    }
}
