package dev.gatehouse.web.api;

import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import dev.gatehouse.web.BodyLimit;
import dev.gatehouse.web.UnexpectedErrorResolver;

/**
 * Turns what the API's handlers throw into RFC 9457 problems ({@link ApiProblem}); bean validation becomes
 * {@code invalid-request} with each field. Anything unexpected is a 500 {@code internal-error} with an incident id,
 * logged with the exception classes only (their messages may hold SQL and values), never shown to the caller.
 */
@RestControllerAdvice(basePackageClasses = ApiAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiAdvice {

    private static final Logger log = LoggerFactory.getLogger(ApiAdvice.class);

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> problem(ApiProblem problem) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(problem.status());
        if (problem.retryAfterSeconds() != null) {
            answer.header(HttpHeaders.RETRY_AFTER, String.valueOf(problem.retryAfterSeconds()));
        }
        return answer.body(problem.toProblemDetail());
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ProblemDetail> invalidBody(MethodArgumentNotValidException e) {
        List<ApiProblem.FieldError> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> new ApiProblem.FieldError(f.getField(), message(f.getDefaultMessage())))
                .sorted(java.util.Comparator.comparing(ApiProblem.FieldError::field))
                .toList();
        return problem(ApiProblem.invalid(errors.isEmpty()
                ? List.of(new ApiProblem.FieldError("body", "The request is not valid.")) : errors));
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<ProblemDetail> invalidParameters(HandlerMethodValidationException e) {
        List<ApiProblem.FieldError> errors = e.getParameterValidationResults().stream()
                .flatMap(r -> r.getResolvableErrors().stream().map(error -> new ApiProblem.FieldError(
                        r.getMethodParameter().getParameterName() == null ? "parameter"
                                : r.getMethodParameter().getParameterName(),
                        message(error.getDefaultMessage()))))
                .toList();
        return problem(ApiProblem.invalid(errors));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyLimit.TooLarge) {
                return problem(ApiProblem.tooLarge());
            }
        }
        return problem(ApiProblem.invalid("body", "The body is not JSON of the expected shape."));
    }

    /** A path variable that cannot be what it names (e.g. a user id that is not a UUID) names nothing: 404. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> mismatch(MethodArgumentTypeMismatchException e) {
        if (e.getParameter().hasParameterAnnotation(PathVariable.class)) {
            return problem(ApiProblem.notFound("No such resource."));
        }
        return problem(ApiProblem.invalid(e.getName(), "Not a valid value."));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e) {
        return problem(ApiProblem.invalid(e.getParameterName(), "Required."));
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ProblemDetail> missingHeader(MissingRequestHeaderException e) {
        return problem(ApiProblem.invalid(e.getHeaderName(), "Required."));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return problem(new ApiProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                "Unsupported media type", "Send the body as application/json."));
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return problem(new ApiProblem(HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "Not acceptable",
                "The API answers application/json."));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        String incident = UUID.randomUUID().toString().substring(0, 8);
        log.error("Unexpected API error {}: {}", incident, UnexpectedErrorResolver.classes(e));
        log.debug("Unexpected API error " + incident, e);
        if (UnexpectedErrorResolver.databaseUnreachable(e)) {
            return problem(ApiProblem.unavailable(UnexpectedErrorResolver.databaseUnreachableDetail(incident),
                    UnexpectedErrorResolver.DATABASE_RETRY_SECONDS));
        }
        if (UnexpectedErrorResolver.lockWaitRanOut(e)) {
            return problem(ApiProblem.unavailable("Other changes to the same data were being made; nothing was done"
                    + " (incident " + incident + "). Retry in a few seconds.",
                    UnexpectedErrorResolver.DATABASE_RETRY_SECONDS));
        }
        return problem(new ApiProblem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                UnexpectedErrorResolver.failureDetail(incident)));
    }

    private static String message(String message) {
        return message == null || message.isBlank() ? "Not a valid value." : message;
    }
}
