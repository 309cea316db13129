package dev.gatehouse.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * No request body is larger than {@link #MAX} (64 KiB): one that says it is gets 413 before anything reads it, and one
 * sent in chunks stops being read past it ({@link TooLarge}, which the API answers with 413 too). Forms were already
 * held to as much by the web server ({@code server.tomcat.max-http-form-post-size}); the REST API's JSON bodies were
 * not, and Jackson builds a whole list before bean validation counts it: one 20 MB request of any token holder filled
 * the heap and stopped the node (an outside attack in stop 38). Every body the product takes is a few KiB at most.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
public class BodyLimit extends OncePerRequestFilter {

    /** The largest body any request may have, as the form limit and the Idempotency-Key's. */
    public static final int MAX = 64 * 1024;

    /** Reading past {@link #MAX} bytes of a body sent without its length. */
    public static final class TooLarge extends IOException {
        TooLarge() {
            super("The body is larger than " + MAX + " bytes", null);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > MAX) {
            response.setHeader("Connection", "close");
            response.sendError(HttpStatus.CONTENT_TOO_LARGE.value());
            return;
        }
        try {
            // No length said: chunked over HTTP/1.1, or any body over HTTP/2.
            chain.doFilter(length < 0 ? new Limited(request) : request, response);
        } catch (TooLarge past) {
            // Read past the limit by whatever read it (Spring's form filter for a PUT form, a handler): 413, not a 500
            // with its trace in the log (found by the review of stop 38). The API answers its own 413 before this.
            if (!response.isCommitted()) {
                response.setHeader("Connection", "close");
                response.sendError(HttpStatus.CONTENT_TOO_LARGE.value());
            }
        }
    }

    /** A request whose body is read through a stream that stops at {@link #MAX} bytes. */
    private static final class Limited extends HttpServletRequestWrapper {

        private ServletInputStream stream;
        private BufferedReader reader;

        Limited(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream());
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (reader == null) {
                String encoding = getCharacterEncoding();
                Charset charset;
                try {
                    charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
                } catch (IllegalArgumentException unknown) {
                    throw new java.io.UnsupportedEncodingException(encoding);
                }
                reader = new BufferedReader(new InputStreamReader(getInputStream(), charset));
            }
            return reader;
        }
    }

    private static final class LimitedStream extends ServletInputStream {

        private final ServletInputStream body;
        private long read;

        LimitedStream(ServletInputStream body) {
            this.body = body;
        }

        @Override
        public int read() throws IOException {
            int b = body.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = body.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws TooLarge {
            read += n;
            if (read > MAX) {
                throw new TooLarge();
            }
        }

        @Override
        public boolean isFinished() {
            return body.isFinished();
        }

        @Override
        public boolean isReady() {
            return body.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            body.setReadListener(listener);
        }
    }
}
