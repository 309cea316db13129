package dev.gatehouse.factor.totp;

/**
 * What the setup page shows: the QR code of {@code uri}, and the same key as text for typing by hand.
 *
 * @param groupedKey the Base32 key in groups of four, for reading aloud or typing
 * @param qrDataUri  an SVG data URI of the QR code of {@code uri}
 */
public record TotpSetup(String uri, String base32Key, String groupedKey, String qrDataUri) {
}
