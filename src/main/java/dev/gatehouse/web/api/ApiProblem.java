package dev.gatehouse.web.api;

import java.net.URI;
import java.util.List;
import java.util.Objects;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import dev.gatehouse.web.BodyLimit;
import dev.gatehouse.web.ProblemTypes;

/**
 * An API answer that is not a success, thrown by a handler (or {@link ApiAccess}) and written by {@link ApiAdvice}
 * as an RFC 9457 problem: {@code type} is {@link #TYPE_BASE} + the slug, which never changes once published
 * (docs/api.md lists them). The detail is for people and must hold no secret, SQL or stack trace.
 */
public class ApiProblem extends RuntimeException {

    public static final String TYPE_BASE = ProblemTypes.BASE;

    /** One invalid field of a request and what is wrong with it. */
    public record FieldError(String field, String message) {
        public FieldError {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(message, "message");
        }
    }

    private final HttpStatus status;
    private final String slug;
    private final String title;
    private final List<FieldError> errors;
    private final Long retryAfterSeconds;

    public ApiProblem(HttpStatus status, String slug, String title, String detail) {
        this(status, slug, title, detail, List.of(), null);
    }

    private ApiProblem(HttpStatus status, String slug, String title, String detail, List<FieldError> errors,
                       Long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = Objects.requireNonNull(status, "status");
        this.slug = Objects.requireNonNull(slug, "slug");
        this.title = Objects.requireNonNull(title, "title");
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 404 {@code not-found}: also the answer for what belongs to another account (no existence leak). */
    public static ApiProblem notFound(String detail) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", "Not found", detail);
    }

    /** 400 {@code invalid-request} listing each invalid field. */
    public static ApiProblem invalid(List<FieldError> errors) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                errors.size() == 1 ? "One field is invalid." : errors.size() + " fields are invalid.", errors, null);
    }

    public static ApiProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    /** 413 {@code body-too-large}: a body past {@link BodyLimit#MAX} (64 KiB), which nothing the API takes needs. */
    public static ApiProblem tooLarge() {
        return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Body too large",
                "A request's body may be at most " + BodyLimit.MAX / 1024 + " KiB.");
    }

    /** 409 {@code conflict}: the request is valid but the resource's state does not allow it. */
    public static ApiProblem conflict(String detail) {
        return new ApiProblem(HttpStatus.CONFLICT, "conflict", "Conflict", detail);
    }

    public static ApiProblem insufficientScope(String detail) {
        return new ApiProblem(HttpStatus.FORBIDDEN, "insufficient-scope", "Insufficient scope", detail);
    }

    public static ApiProblem unauthorized(String detail) {
        return new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
    }

    /** 503 {@code service-unavailable} with {@code Retry-After}: nothing was done, the same request later may be. */
    public static ApiProblem unavailable(String detail, long retryAfterSeconds) {
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable", detail,
                List.of(), Math.max(1, retryAfterSeconds));
    }

    /** 429 {@code rate-limited}, with {@code Retry-After} in whole seconds (at least 1). */
    public static ApiProblem rateLimited(long retryAfterSeconds) {
        return new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
                "This client made too many requests; retry after " + Math.max(1, retryAfterSeconds) + " seconds.",
                List.of(), Math.max(1, retryAfterSeconds));
    }

    public HttpStatus status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** Seconds for {@code Retry-After}, or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The RFC 9457 body. */
    public ProblemDetail toProblemDetail() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
        problem.setType(URI.create(TYPE_BASE + slug));
        problem.setTitle(title);
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return problem;
    }
}
