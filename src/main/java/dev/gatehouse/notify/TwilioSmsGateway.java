package dev.gatehouse.notify;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends text messages through Twilio's Messages API: {@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json},
 * form-encoded {@code To}, {@code From} (or {@code MessagingServiceSid}) and {@code Body}, HTTP basic authentication
 * with the account SID and token. Twilio answers 201 with the queued message; an error is JSON such as
 * {@code {"code": 21211, "message": "...", "more_info": "...", "status": 400}}, whose message is never kept (it repeats
 * the number): the failure reason is the HTTP status and Twilio's error code only.
 */
@Component
@ConditionalOnProperty(name = "gatehouse.sms.gateway", havingValue = "twilio")
class TwilioSmsGateway implements SmsGateway {

    /**
     * Twilio errors that no retry can fix for this message: invalid or unreachable number, not a mobile, the
     * recipient opted out, the destination region not enabled. Everything else (429, 5xx, network) is retried.
     */
    static final Set<Integer> PERMANENT = Set.of(21211, 21214, 21217, 21407, 21408, 21610, 21612, 21614);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SmsGatewayProperties.Twilio twilio;
    private final HttpClient http;
    private final SmsGatewayProperties properties;
    private final URI endpoint;
    private final String authorization;

    TwilioSmsGateway(SmsGatewayProperties properties) {
        properties.twilio().check();
        this.properties = properties;
        this.twilio = properties.twilio();
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String base = twilio.baseUrl().toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/2010-04-01/Accounts/" + twilio.accountSid() + "/Messages.json");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (twilio.accountSid() + ":" + twilio.authToken()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Delivery deliver(OutboundMessage message) {
        if (message.channel() != Channel.SMS) {
            throw new IllegalArgumentException("Twilio delivers text messages only, not " + message.channel());
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", message.recipient());
        if (twilio.messagingServiceSid() != null && !twilio.messagingServiceSid().isBlank()) {
            form.put("MessagingServiceSid", twilio.messagingServiceSid());
        } else {
            form.put("From", twilio.from());
        }
        form.put("Body", message.textBody());
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(properties.timeout())
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
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
        Integer code = errorCode(response.body());
        String reason = "Twilio HTTP " + status + (code == null ? "" : " error " + code);
        return new Delivery.Failed(reason, status == 400 && code != null && PERMANENT.contains(code));
    }

    /** Twilio's numeric error code, if the body is its error JSON; never the message text. */
    static Integer errorCode(String body) {
        try {
            JsonNode code = JSON.readTree(body).get("code");
            return code != null && code.isIntegralNumber() ? code.intValue() : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
