package dev.gatehouse.notify;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How text messages leave Gatehouse. (The countries codes may be sent to are a rule of the SMS method:
 * {@code gatehouse.sms.allowed-countries}.)
 *
 * @param gateway {@code dev-mailbox} (default): nothing leaves the machine, messages appear on {@code /dev/mailbox}, for
 *                trials only (the prod profile refuses it); {@code twilio}: Twilio's Messages API; {@code webhook}: a
 *                JSON POST to any HTTPS endpoint of yours or your provider's; {@code none}: no text messages at all
 *                (the SMS method is not offered)
 * @param timeout how long one delivery may take, connecting and answering together; default 10 seconds. Keep it well
 *                under {@code gatehouse.outbox.claim-timeout}, so a hung provider never makes a second node send the
 *                same message
 * @param twilio  used with {@code gateway=twilio}
 * @param webhook used with {@code gateway=webhook}
 */
@ConfigurationProperties("gatehouse.sms")
record SmsGatewayProperties(@DefaultValue("dev-mailbox") String gateway, @DefaultValue("10s") Duration timeout,
                            @DefaultValue Twilio twilio, @DefaultValue Webhook webhook) {

    static final Set<String> GATEWAYS = Set.of("dev-mailbox", "twilio", "webhook", "none");

    SmsGatewayProperties {
        if (gateway == null || !GATEWAYS.contains(gateway)) {
            throw new IllegalArgumentException("gatehouse.sms.gateway must be one of twilio, webhook, dev-mailbox or none,"
                    + " not " + gateway);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("gatehouse.sms.timeout must be a positive duration");
        }
    }

    /**
     * Twilio's Messages API: {@code POST {baseUrl}/2010-04-01/Accounts/{accountSid}/Messages.json}, form-encoded, with
     * HTTP basic authentication.
     *
     * @param accountSid          the account SID ({@code AC...}); required
     * @param authToken           the auth token (or an API key secret); required; never logged
     * @param from                the sending number in E.164 form, or an alphanumeric sender ID; this or
     *                            {@code messagingServiceSid}
     * @param messagingServiceSid a Messaging Service ({@code MG...}) that picks the sender; this or {@code from}
     * @param baseUrl             default {@code https://api.twilio.com}; tests point it at a local server
     */
    record Twilio(String accountSid, String authToken, String from, String messagingServiceSid,
                  @DefaultValue("https://api.twilio.com") URI baseUrl) {

        void check() {
            if (blank(accountSid) || !accountSid.matches("[A-Za-z0-9]{2,64}")) {
                throw new IllegalStateException("gatehouse.sms.gateway=twilio needs gatehouse.sms.twilio.account-sid");
            }
            if (blank(authToken)) {
                throw new IllegalStateException("gatehouse.sms.gateway=twilio needs gatehouse.sms.twilio.auth-token");
            }
            if (blank(from) == blank(messagingServiceSid)) {
                throw new IllegalStateException("gatehouse.sms.gateway=twilio needs exactly one of "
                        + "gatehouse.sms.twilio.from and gatehouse.sms.twilio.messaging-service-sid");
            }
            requireHttpUrl(baseUrl, "gatehouse.sms.twilio.base-url");
        }
    }

    /**
     * A generic JSON webhook: {@code POST url} with {@code {"id": ..., "to": "+447700900123", "body": "..."}}. At least
     * one of the two ways to prove the request comes from Gatehouse must be set.
     *
     * @param url             the endpoint; https (plain http only for localhost)
     * @param bearerToken     sent as {@code Authorization: Bearer <token>}; never logged
     * @param signingSecret   when set, each request carries {@code <signatureHeader>: t=<unix seconds>,v1=<hex
     *                        HMAC-SHA256(secret, t + "." + body)>}, so the receiver can check the body and refuse replays
     * @param signatureHeader default {@code X-Gatehouse-Signature}
     */
    record Webhook(URI url, String bearerToken, String signingSecret,
                   @DefaultValue("X-Gatehouse-Signature") String signatureHeader) {

        void check() {
            requireHttpUrl(url, "gatehouse.sms.webhook.url");
            if (blank(bearerToken) && blank(signingSecret)) {
                throw new IllegalStateException("gatehouse.sms.gateway=webhook needs gatehouse.sms.webhook.bearer-token"
                        + " or gatehouse.sms.webhook.signing-secret (or both)");
            }
            if (signatureHeader == null || !signatureHeader.matches("[A-Za-z0-9-]{1,64}")) {
                throw new IllegalStateException("gatehouse.sms.webhook.signature-header must be a plain header name");
            }
        }
    }

    private static void requireHttpUrl(URI url, String key) {
        if (url == null || url.getHost() == null) {
            throw new IllegalStateException(key + " must be an https URL");
        }
        boolean local = "localhost".equals(url.getHost()) || "127.0.0.1".equals(url.getHost());
        if (!"https".equals(url.getScheme()) && !("http".equals(url.getScheme()) && local)) {
            throw new IllegalStateException(key + " must be an https URL (plain http only for localhost)");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
