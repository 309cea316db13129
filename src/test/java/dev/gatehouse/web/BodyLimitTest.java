package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The 64 KiB body limit ({@link BodyLimit}); the whole server's answers are in the API's and the pages' tests. */
class BodyLimitTest {

    private final BodyLimit limit = new BodyLimit();

    @Test
    void bodyWhenItsLengthIsPastTheLimitThen413AndNothingReadsIt() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("PUT", "/api/v1/accounts/x/rules");
        request.setContent(new byte[BodyLimit.MAX + 1]);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        limit.doFilter(request, response, chain);

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(chain.getRequest()).isNull();
    }

    @Test
    void bodyWhenSentInChunksThenReadUpToTheLimitAndNoFurther() throws Exception {
        assertThat(readThrough(BodyLimit.MAX)).isEqualTo(BodyLimit.MAX);
        assertThatThrownBy(() -> readThrough(BodyLimit.MAX + 1)).isInstanceOf(BodyLimit.TooLarge.class);
    }

    /** Read past the limit by a filter or handler that does not answer it (Spring's form filter for a PUT form). */
    @Test
    void bodyWhenReadPastTheLimitByAnyoneThen413NotAServerError() throws Exception {
        MockHttpServletRequest request = chunked("PUT", "/signin", BodyLimit.MAX + 1);
        MockHttpServletResponse response = new MockHttpServletResponse();

        limit.doFilter(request, response, (req, res) -> req.getInputStream().readAllBytes());

        assertThat(response.getStatus()).isEqualTo(413);
    }

    private static MockHttpServletRequest chunked(String method, String path, int size) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path) {
            @Override
            public long getContentLengthLong() {
                return -1; // sent in chunks, or over HTTP/2: no length said
            }
        };
        request.setContent(new byte[size]);
        return request;
    }

    private int readThrough(int size) throws Exception {
        MockHttpServletRequest request = chunked("POST", "/api/v1/accounts/x/users", size);
        MockFilterChain chain = new MockFilterChain();
        limit.doFilter(request, new MockHttpServletResponse(), chain);
        return chain.getRequest().getInputStream().readAllBytes().length;
    }
}
