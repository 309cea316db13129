package dev.gatehouse.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import jakarta.servlet.http.Cookie;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import dev.gatehouse.crypto.RandomCodes;
import dev.gatehouse.signin.servlet.ServletBrowserSession;

/** The trusted-device and browser cookies: their attributes, and what is read from them. */
class DeviceCookiesTest {

    static final DeviceProperties TRIAL = new DeviceProperties("GATEHOUSE_DEVICE", "GATEHOUSE_BROWSER",
            Duration.ofDays(400), 5);
    static final DeviceProperties PROD = new DeviceProperties("__Host-GATEHOUSE_DEVICE", "__Host-GATEHOUSE_BROWSER",
            Duration.ofDays(400), 5);

    @Test
    void invariant9_trustCookieIsHttpOnlySameSiteAndSecureOnHttps() {
        String token = RandomCodes.token();
        MockHttpServletResponse http = new MockHttpServletResponse();
        new DeviceCookies(TRIAL).addTrustToken(over(new MockHttpServletRequest(), http), token);
        assertThat(http.getHeader("Set-Cookie")).isEqualTo("GATEHOUSE_DEVICE=" + token
                + "; Path=/; Max-Age=2592000; Expires=" + expires(http) + "; HttpOnly; SameSite=Lax");

        MockHttpServletRequest secure = new MockHttpServletRequest();
        secure.setSecure(true);
        MockHttpServletResponse https = new MockHttpServletResponse();
        new DeviceCookies(TRIAL).addTrustToken(over(secure, https), token);
        assertThat(https.getHeader("Set-Cookie")).contains("; Secure; HttpOnly; SameSite=Lax");

        // Production: the __Host- prefix, which browsers accept only with Secure, Path=/ and no Domain.
        MockHttpServletResponse prod = new MockHttpServletResponse();
        new DeviceCookies(PROD).addTrustToken(over(new MockHttpServletRequest(), prod), token);
        assertThat(prod.getHeader("Set-Cookie")).startsWith("__Host-GATEHOUSE_DEVICE=" + token + "; Path=/;")
                .contains("; Secure; HttpOnly; SameSite=Lax").doesNotContain("Domain");
    }

    @Test
    void trustTokensWhenSeveralUsersThenNewestFirstCappedAndMalformedIgnored() {
        DeviceCookies cookies = new DeviceCookies(new DeviceProperties("D", "B", Duration.ofDays(1), 3));
        List<String> tokens = List.of(RandomCodes.token(), RandomCodes.token(), RandomCodes.token(),
                RandomCodes.token());
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setCookies(new Cookie("D", tokens.get(1) + "." + tokens.get(2) + ".junk." + tokens.get(3)));
        assertThat(cookies.trustTokens(over(request, new MockHttpServletResponse())))
                .containsExactly(tokens.get(1), tokens.get(2), tokens.get(3));

        MockHttpServletResponse response = new MockHttpServletResponse();
        cookies.addTrustToken(over(request, response), tokens.get(0));
        assertThat(response.getCookie("D").getValue()).isEqualTo(tokens.get(0) + "." + tokens.get(1) + "."
                + tokens.get(2));

        MockHttpServletRequest hostile = new MockHttpServletRequest();
        hostile.setCookies(new Cookie("D", "x".repeat(5000)), new Cookie("B", "../../etc"));
        assertThat(cookies.trustTokens(over(hostile, new MockHttpServletResponse()))).isEmpty();
        assertThat(cookies.browserId(over(hostile, new MockHttpServletResponse()))).isEmpty();
        assertThat(cookies.trustTokens(over(new MockHttpServletRequest(), new MockHttpServletResponse()))).isEmpty();
    }

    @Test
    void browserIdWhenMissingThenNewRandomOneInALongLivedCookie() {
        DeviceCookies cookies = new DeviceCookies(TRIAL);
        MockHttpServletResponse response = new MockHttpServletResponse();
        String id = cookies.ensureBrowserId(over(new MockHttpServletRequest(), response));
        assertThat(id).matches("[A-Za-z0-9_-]{43}");
        assertThat(response.getHeader("Set-Cookie")).startsWith("GATEHOUSE_BROWSER=" + id + "; Path=/; Max-Age=34560000;")
                .endsWith("; HttpOnly; SameSite=Lax");

        MockHttpServletRequest known = new MockHttpServletRequest();
        known.setCookies(new Cookie("GATEHOUSE_BROWSER", id));
        MockHttpServletResponse none = new MockHttpServletResponse();
        assertThat(cookies.ensureBrowserId(over(known, none))).isEqualTo(id);
        assertThat(none.getHeader("Set-Cookie")).isNull();
    }

    @Test
    void propertiesWhenCookieNamesUnsafeThenRefused() {
        assertThatThrownBy(() -> new DeviceProperties("A;B", "B", Duration.ofDays(1), 5))
                .hasMessageContaining("trust-cookie");
        assertThatThrownBy(() -> new DeviceProperties("A", "A", Duration.ofDays(1), 5))
                .hasMessageContaining("browser-cookie");
        assertThatThrownBy(() -> new DeviceProperties("A", "B", Duration.ZERO, 5))
                .hasMessageContaining("lifetime");
    }

    /** The adapter the application uses, over a mock exchange. */
    private static BrowserSession over(MockHttpServletRequest request, MockHttpServletResponse response) {
        return ServletBrowserSession.of(request, response);
    }

    private static String expires(MockHttpServletResponse response) {
        return response.getHeader("Set-Cookie").replaceFirst(".*Expires=([^;]+);.*", "$1");
    }
}
