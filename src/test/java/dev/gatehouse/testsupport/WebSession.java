package dev.gatehouse.testsupport;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One browser-like HTTP client for integration tests: its own cookie jar, no automatic redirects (tests assert where
 * they lead), and forms posted with the CSRF token of the last page it fetched, as a browser would.
 */
public final class WebSession {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"|value=\"([^\"]+)\"\\s+name=\"_csrf\"");

    private final String base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client;
    private String lastCsrf;
    private String userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0 Safari/537.36";
    /** What a browser asks for when it follows a link or posts a form, so error pages come as HTML as they would. */
    private java.util.function.Consumer<Page> check = page -> { };
    private String accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    public WebSession(int port) {
        this.base = "http://localhost:" + port;
        this.client = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A response: status, body, headers. */
    public record Page(int status, String body, Map<String, java.util.List<String>> headers) {

        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        /** The Location of a redirect, without the scheme and host. */
        public String location() {
            String location = header("Location").orElseThrow(() -> new AssertionError("no Location; status " + status));
            return location.replaceFirst("^https?://[^/]+", "");
        }
    }

    private final Map<String, String> extraHeaders = new LinkedHashMap<>();

    /** Sends this header with every request from now on (e.g. X-Forwarded-For, as a proxy or a liar would). */
    public WebSession header(String name, String value) {
        extraHeaders.put(name, value);
        return this;
    }

    public WebSession userAgent(String ua) {
        this.userAgent = ua;
        return this;
    }

    /** Runs {@code check} on every response from now on (e.g. a suite's "no stack trace in any page" assertion). */
    public WebSession checkEachResponse(java.util.function.Consumer<Page> check) {
        this.check = this.check.andThen(check);
        return this;
    }

    /** Replaces the browser's Accept header (e.g. "application/json" to see what a non-browser client gets). */
    public WebSession accept(String accept) {
        this.accept = accept;
        return this;
    }

    public Page get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** Posts a form with the CSRF token of the last page fetched (a real browser posts the form it was shown). */
    public Page post(String path, Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        if (lastCsrf != null && !all.containsKey("_csrf")) {
            all.put("_csrf", lastCsrf);
        }
        return postRaw(path, all);
    }

    /** Posts exactly these fields, no CSRF token added. */
    public Page postRaw(String path, Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Posts raw bytes as a form body (for broken encodings). */
    public Page postBytes(String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Follows redirects from {@code page} (GET), at most 10. */
    public Page follow(Page page) {
        Page current = page;
        for (int i = 0; i < 10 && current.status() / 100 == 3; i++) {
            current = get(current.location());
        }
        return current;
    }

    public String csrf() {
        return lastCsrf;
    }

    public CookieManager cookies() {
        return cookies;
    }

    /** The cookie header this browser would send now, for a second client that copies it (a stolen cookie). */
    public String cookieHeader() {
        return cookies.getCookieStore().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
    }

    public String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
    }

    private Page send(HttpRequest.Builder builder) {
        try {
            extraHeaders.forEach(builder::header);
            HttpResponse<String> r = client.send(builder.header("User-Agent", userAgent).header("Accept", accept).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Matcher m = CSRF.matcher(r.body());
            if (m.find()) {
                lastCsrf = m.group(1) != null ? m.group(1) : m.group(2);
            }
            Page page = new Page(r.statusCode(), r.body(), r.headers().map());
            check.accept(page);
            return page;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static final class UncheckedIOException extends RuntimeException {
        UncheckedIOException(IOException e) {
            super(e);
        }
    }
}
