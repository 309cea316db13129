package dev.gatehouse.notify;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * An SMS provider on a local port (the JDK's own HTTP server) that records every request exactly as it arrived and
 * answers with the responses a test queued (the last one repeats).
 */
final class FakeProvider implements AutoCloseable {

    record Request(String method, String path, Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }
    }

    record Response(int status, String json) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Response> responses = new ArrayDeque<>();

    FakeProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        Map.copyOf(exchange.getRequestHeaders()), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            Response response = next();
            byte[] body = response.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    String baseUrl() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** Queues answers, in order; the last one is given again for every further request. */
    synchronized FakeProvider answer(Response... answers) {
        responses.clear();
        responses.addAll(List.of(answers));
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    void forget() {
        requests.clear();
    }

    private synchronized Response next() {
        return responses.size() > 1 ? responses.poll() : responses.isEmpty() ? new Response(500, "") : responses.peek();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // --- Twilio's shapes (https://www.twilio.com/docs/messaging/api/message-resource) --------------------------

    static Response twilioQueued() {
        return new Response(201, """
                {"account_sid": "AC0123456789abcdef0123456789abcdef", "api_version": "2010-04-01",
                 "body": "(the body)", "date_created": "Mon, 23 Nov 2026 14:05:00 +0000", "direction": "outbound-api",
                 "error_code": null, "error_message": null, "from": "+15005550006", "num_segments": "1",
                 "sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "to": "(the number)",
                 "uri": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/SM0123456789abcdef0123456789abcdef.json"}""");
    }

    static Response twilioError(int status, int code, String message) {
        return new Response(status, "{\"code\": " + code + ", \"message\": \"" + message + "\", \"more_info\": "
                + "\"https://www.twilio.com/docs/errors/" + code + "\", \"status\": " + status + "}");
    }
}
