package dev.gatehouse.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two real SMS adapters against a local HTTP server that checks the exact request (method, path, authentication,
 * fields) and answers with each provider's success and error shapes.
 */
class SmsGatewaysTest {

    private static final String SID = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "twilio-auth-token-not-real";
    private static final String BODY = "Gatehouse sign-in code: 123456\nValid for 10 minutes. Never share it.";
    private static final Instant NOW = Instant.parse("2026-11-23T14:05:00Z");

    private final FakeProvider provider = new FakeProvider();

    @AfterEach
    void stop() {
        provider.close();
    }

    // --- Twilio -------------------------------------------------------------------------------------------------

    @Test
    void twilioWhenQueuedThenExactFormPostWithBasicAuthAndDelivered() {
        provider.answer(FakeProvider.twilioQueued());
        OutboundMessage sms = sms("+447400123456");

        assertThat(twilio("+15005550006", null).deliver(sms)).isEqualTo(new Delivery.Delivered());

        FakeProvider.Request request = provider.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(request.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(form(request.body())).containsExactly(Map.entry("To", "+447400123456"),
                Map.entry("From", "+15005550006"), Map.entry("Body", BODY));
    }

    @Test
    void twilioWhenMessagingServiceThenItReplacesFrom() {
        provider.answer(FakeProvider.twilioQueued());

        twilio(null, "MG0123456789abcdef0123456789abcdef").deliver(sms("+447400123456"));

        assertThat(form(provider.requests().get(0).body())).containsOnlyKeys("To", "MessagingServiceSid", "Body")
                .containsEntry("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef");
    }

    @Test
    void twilioWhenInvalidNumberThenPermanentFailureWithCodeNotText() {
        provider.answer(FakeProvider.twilioError(400, 21211, "The 'To' number +447400123456 is not a valid phone number."));

        Delivery delivery = twilio("+15005550006", null).deliver(sms("+447400123456"));

        assertThat(delivery).isEqualTo(new Delivery.Failed("Twilio HTTP 400 error 21211", true));
    }

    @Test
    void twilioWhenRateLimitedOrDownThenRetryableFailure() {
        provider.answer(FakeProvider.twilioError(429, 20429, "Too Many Requests"));
        assertThat(twilio("+15005550006", null).deliver(sms("+447400123456")))
                .isEqualTo(new Delivery.Failed("Twilio HTTP 429 error 20429", false));

        provider.answer(new FakeProvider.Response(503, "<html>Service Unavailable</html>"));
        assertThat(twilio("+15005550006", null).deliver(sms("+447400123456")))
                .isEqualTo(new Delivery.Failed("Twilio HTTP 503", false));

        provider.answer(FakeProvider.twilioError(401, 20003, "Authenticate"));
        assertThat(twilio("+15005550006", null).deliver(sms("+447400123456"))).as("a credentials problem is fixed"
                + " by an operator, so the message waits").isEqualTo(new Delivery.Failed("Twilio HTTP 401 error 20003", false));
    }

    @Test
    void twilioWhenNothingListensThenRetryableFailure() {
        String base = provider.baseUrl();
        provider.close();

        Delivery delivery = new TwilioSmsGateway(properties("twilio", base, "+15005550006", null, null))
                .deliver(sms("+447400123456"));

        assertThat(delivery).isInstanceOfSatisfying(Delivery.Failed.class, f -> assertThat(f.permanent()).isFalse());
    }

    @Test
    void twilioWhenSettingsMissingThenRefusesToStartNamingThem() {
        assertThatThrownBy(() -> new TwilioSmsGateway(new SmsGatewayProperties("twilio", Duration.ofSeconds(5),
                new SmsGatewayProperties.Twilio(null, TOKEN, "+15005550006", null, URI.create("https://api.twilio.com")),
                webhook(null, null, null)))).hasMessageContaining("gatehouse.sms.twilio.account-sid");
        assertThatThrownBy(() -> new TwilioSmsGateway(new SmsGatewayProperties("twilio", Duration.ofSeconds(5),
                new SmsGatewayProperties.Twilio(SID, TOKEN, "+15005550006", "MG1", URI.create("https://api.twilio.com")),
                webhook(null, null, null)))).hasMessageContaining("exactly one of");
        assertThatThrownBy(() -> new TwilioSmsGateway(new SmsGatewayProperties("twilio", Duration.ofSeconds(5),
                new SmsGatewayProperties.Twilio(SID, TOKEN, "+15005550006", null, URI.create("http://api.twilio.com")),
                webhook(null, null, null)))).hasMessageContaining("https");
    }

    // --- webhook ------------------------------------------------------------------------------------------------

    @Test
    void webhookWhenAcceptedThenExactJsonWithBearerIdempotencyKeyAndSignature() {
        provider.answer(new FakeProvider.Response(202, "{\"accepted\": true}"));
        OutboundMessage sms = sms("+447400123456");
        String secret = "webhook-signing-secret";

        Delivery delivery = webhookGateway("bearer-token-1", secret).deliver(sms);

        assertThat(delivery).isEqualTo(new Delivery.Delivered());
        FakeProvider.Request request = provider.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hooks/sms");
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(request.header("Authorization")).isEqualTo("Bearer bearer-token-1");
        assertThat(request.header("Idempotency-Key")).isEqualTo(sms.id().toString());
        JsonNode json = JsonMapper.builder().build().readTree(request.body());
        assertThat(json.propertyNames()).containsExactly("id", "to", "body");
        assertThat(json.get("id").asString()).isEqualTo(sms.id().toString());
        assertThat(json.get("to").asString()).isEqualTo("+447400123456");
        assertThat(json.get("body").asString()).isEqualTo(BODY);
        assertThat(request.header("X-Gatehouse-Signature"))
                .isEqualTo(WebhookSmsGateway.signature(secret, NOW.getEpochSecond(), request.body()))
                .startsWith("t=" + NOW.getEpochSecond() + ",v1=");
        assertThat(WebhookSmsGateway.signature(secret, NOW.getEpochSecond(), request.body()))
                .as("HMAC-SHA256 of t.body, as a receiver computes it").isEqualTo("t=" + NOW.getEpochSecond() + ",v1="
                        + hmacHex(secret, NOW.getEpochSecond() + "." + request.body()));
    }

    @Test
    void webhookWhenOnlyASigningSecretThenNoAuthorizationHeader() {
        provider.answer(new FakeProvider.Response(200, ""));

        webhookGateway(null, "s").deliver(sms("+447400123456"));

        assertThat(provider.requests().get(0).header("Authorization")).isNull();
        assertThat(provider.requests().get(0).header("X-Gatehouse-Signature")).isNotNull();
    }

    @Test
    void webhookWhenRefusedThenPermanentWhenBusyOrDownThenRetried() {
        provider.answer(new FakeProvider.Response(400, "{\"error\": \"bad number +447400123456\"}"));
        assertThat(webhookGateway("t", null).deliver(sms("+447400123456")))
                .isEqualTo(new Delivery.Failed("Webhook HTTP 400", true));
        provider.answer(new FakeProvider.Response(429, ""));
        assertThat(webhookGateway("t", null).deliver(sms("+447400123456")))
                .isEqualTo(new Delivery.Failed("Webhook HTTP 429", false));
        provider.answer(new FakeProvider.Response(500, ""));
        assertThat(webhookGateway("t", null).deliver(sms("+447400123456")))
                .isEqualTo(new Delivery.Failed("Webhook HTTP 500", false));
    }

    @Test
    void webhookWhenNeitherTokenNorSecretThenRefusesToStart() {
        assertThatThrownBy(() -> webhookGateway(null, null)).hasMessageContaining("bearer-token")
                .hasMessageContaining("signing-secret");
        assertThatThrownBy(() -> new WebhookSmsGateway(new SmsGatewayProperties("webhook", Duration.ofSeconds(5),
                twilio(null), webhook("http://sms.example.com/hook", "t", null)), Clock.systemUTC()))
                .hasMessageContaining("https");
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private TwilioSmsGateway twilio(String from, String messagingService) {
        return new TwilioSmsGateway(properties("twilio", provider.baseUrl(), from, messagingService, null));
    }

    private WebhookSmsGateway webhookGateway(String bearer, String secret) {
        return new WebhookSmsGateway(new SmsGatewayProperties("webhook", Duration.ofSeconds(5), twilio(null),
                webhook(provider.baseUrl() + "/hooks/sms", bearer, secret)), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static SmsGatewayProperties properties(String gateway, String base, String from, String service,
                                                   String unused) {
        return new SmsGatewayProperties(gateway, Duration.ofSeconds(5),
                new SmsGatewayProperties.Twilio(SID, TOKEN, from, service, URI.create(base)), webhook(null, null, null));
    }

    private static SmsGatewayProperties.Twilio twilio(String base) {
        return new SmsGatewayProperties.Twilio(null, null, null, null,
                URI.create(base == null ? "https://api.twilio.com" : base));
    }

    private static SmsGatewayProperties.Webhook webhook(String url, String bearer, String secret) {
        return new SmsGatewayProperties.Webhook(url == null ? null : URI.create(url), bearer, secret,
                "X-Gatehouse-Signature");
    }

    private static OutboundMessage sms(String to) {
        return new OutboundMessage(UUID.randomUUID(), Channel.SMS, to, "", BODY, "");
    }

    private static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&")).map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8), (a, b) -> a, LinkedHashMap::new));
    }

    private static String hmacHex(String secret, String data) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
