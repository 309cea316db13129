package dev.gatehouse.notify;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * Sends text messages to a JSON webhook, for any provider without its own adapter (or a relay of your own):
 * {@code POST url} with {@code {"id": "<message id>", "to": "+447700900123", "body": "..."}}, {@code Idempotency-Key}
 * set to the message id (the same on every retry, so a receiver can drop duplicates), and either or both of a bearer
 * token and an HMAC signature header. Any 2xx is delivered; 408, 429 and 5xx are retried; other 4xx are permanent
 * (the receiver refused this message).
 */
@Component
@ConditionalOnProperty(name = "gatehouse.sms.gateway", havingValue = "webhook")
class WebhookSmsGateway implements SmsGateway {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SmsGatewayProperties properties;
    private final SmsGatewayProperties.Webhook webhook;
    private final HttpClient http;
    private final Clock clock;

    WebhookSmsGateway(SmsGatewayProperties properties, Clock clock) {
        properties.webhook().check();
        this.properties = properties;
        this.webhook = properties.webhook();
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public Delivery deliver(OutboundMessage message) {
        if (message.channel() != Channel.SMS) {
            throw new IllegalArgumentException("The SMS webhook delivers text messages only, not " + message.channel());
        }
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("id", message.id().toString());
        payload.put("to", message.recipient());
        payload.put("body", message.textBody());
        String body = JSON.writeValueAsString(payload);
        HttpRequest.Builder request = HttpRequest.newBuilder(webhook.url())
                .timeout(properties.timeout())
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept", "application/json")
                .header("Idempotency-Key", message.id().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (webhook.bearerToken() != null && !webhook.bearerToken().isBlank()) {
            request.header("Authorization", "Bearer " + webhook.bearerToken());
        }
        if (webhook.signingSecret() != null && !webhook.signingSecret().isBlank()) {
            request.header(webhook.signatureHeader(), signature(webhook.signingSecret(),
                    clock.instant().getEpochSecond(), body));
        }
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            return new Delivery.Failed(e.getClass().getSimpleName(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery.Failed("Interrupted", false);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return new Delivery.Delivered();
        }
        boolean retry = status == 408 || status == 429 || status / 100 == 5 || status / 100 == 3;
        return new Delivery.Failed("Webhook HTTP " + status, !retry);
    }

    /** {@code t=<seconds>,v1=<hex HMAC-SHA256(secret, "<seconds>.<body>")>}: the receiver recomputes it. */
    static String signature(String secret, long epochSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((epochSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
