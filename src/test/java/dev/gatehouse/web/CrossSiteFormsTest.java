package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Where a form comes from, as the browser says it ({@link CrossSiteForms}); the whole server is in the flow tests. */
class CrossSiteFormsTest {

    private final List<String> refused = new ArrayList<>();
    private final CrossSiteForms forms = new CrossSiteForms("https://ID.example.com:443/",
            (request, response, e) -> refused.add(request.getMethod() + " " + request.getRequestURI()));

    @Test
    void postWhenTheBrowserSaysAnotherSiteThenRefusedElseLeftToTheFormToken() throws Exception {
        assertThat(passes("POST", "Sec-Fetch-Site", "same-origin")).isTrue();
        assertThat(passes("POST", "Sec-Fetch-Site", "none")).as("started by the person").isTrue();
        assertThat(passes("POST", "Sec-Fetch-Site", "same-site")).as("a sibling subdomain plants cookies").isFalse();
        assertThat(passes("POST", "Sec-Fetch-Site", "cross-site")).isFalse();
        assertThat(passes("DELETE", "Sec-Fetch-Site", "cross-site")).isFalse();
        assertThat(passes("GET", "Sec-Fetch-Site", "cross-site")).as("a link from another site").isTrue();
        assertThat(passes("POST", null, null)).as("no browser's form: the form token decides").isTrue();
        assertThat(refused).containsExactly("POST /signin", "POST /signin", "DELETE /signin");
    }

    /** Plain http to a host other than localhost: no Sec-Fetch-Site, so the Origin a browser sends with a POST. */
    @Test
    void postWhenOnlyAnOriginThenThePublicUrlsOrTheHostAsked() throws Exception {
        assertThat(passes("POST", "Origin", "https://id.example.com")).as("the public URL, default port").isTrue();
        assertThat(passes("POST", "Origin", "http://gatehouse.lan:8080")).as("the host it was sent to").isTrue();
        assertThat(passes("POST", "Origin", "http://evil.example")).isFalse();
        assertThat(passes("POST", "Origin", "http://gatehouse.lan:8080.evil.example")).isFalse();
        assertThat(passes("POST", "Origin", "null")).as("a sandboxed frame or a privacy redirect").isFalse();
        assertThat(passes("POST", "Origin", "https://id.example.com:8443")).isFalse();
    }

    @Test
    void originWhenWrittenAnyWayThenAsTheBrowserWritesIt() {
        assertThat(CrossSiteForms.origin("https://ID.example.com:443/")).isEqualTo("https://id.example.com");
        assertThat(CrossSiteForms.origin("http://localhost:8080")).isEqualTo("http://localhost:8080");
        assertThat(CrossSiteForms.origin(" http://gatehouse.lan:80/base/ ")).isEqualTo("http://gatehouse.lan");
    }

    private boolean passes(String method, String header, String value) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/signin");
        request.addHeader("Host", "gatehouse.lan:8080");
        if (header != null) {
            request.addHeader(header, value);
        }
        MockFilterChain chain = new MockFilterChain();
        forms.doFilter(request, new MockHttpServletResponse(), chain);
        return chain.getRequest() != null;
    }
}
