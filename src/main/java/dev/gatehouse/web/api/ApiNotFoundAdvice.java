package dev.gatehouse.web.api;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Under {@code /api/}, a path no resource answers (404 {@code not-found}) and a method the path does not take (405
 * {@code method-not-allowed}, with {@code Allow}) are problems like the handlers' own. These are raised before any
 * API handler is chosen, so {@link ApiAdvice} (scoped to the API's handlers) never sees them; this advice sees every
 * request's and rethrows those of the pages, which keep Spring's own answer (the HTML error page).
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiNotFoundAdvice {

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NoResourceFoundException e, HttpServletRequest request)
            throws NoResourceFoundException {
        if (!api(request)) {
            throw e;
        }
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(ApiProblem.notFound("No resource at this path; docs/api.md lists them.").toProblemDetail());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> methodNotAllowed(HttpRequestMethodNotSupportedException e,
                                                   HttpServletRequest request)
            throws HttpRequestMethodNotSupportedException {
        if (!api(request)) {
            throw e;
        }
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED);
        if (e.getSupportedHttpMethods() != null && !e.getSupportedHttpMethods().isEmpty()) {
            answer.header(HttpHeaders.ALLOW, e.getSupportedHttpMethods().stream().map(Object::toString)
                    .sorted().reduce((a, b) -> a + ", " + b).orElse(""));
        }
        return answer.body(new ApiProblem(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed",
                "This path does not take " + e.getMethod() + ".").toProblemDetail());
    }

    private static boolean api(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals(ApiPaths.BASE) || path.startsWith("/api/");
    }
}
