package dev.gatehouse.factor.totp;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param issuer the name authenticator apps show above the code (the {@code otpauth://} issuer); default
 *               {@code Gatehouse}. Must not be blank or contain a colon (the key URI separates issuer and account
 *               with one); checked at startup rather than on the first setup page.
 */
@ConfigurationProperties("gatehouse.totp")
public record TotpProperties(@DefaultValue("Gatehouse") String issuer) {

    public TotpProperties {
        if (issuer == null || issuer.isBlank() || issuer.contains(":") || issuer.length() > 100) {
            throw new IllegalArgumentException("gatehouse.totp.issuer must be 1-100 characters without a colon: "
                    + issuer);
        }
    }
}
