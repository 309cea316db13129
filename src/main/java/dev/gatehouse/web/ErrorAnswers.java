package dev.gatehouse.web;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.boot.webmvc.autoconfigure.error.BasicErrorController;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * What a client that asked for JSON gets when the container sends a request to the error page: a request refused
 * before any handler saw it (Spring Security's firewall: {@code ;} or {@code //} or an encoded dot in the path), or a
 * status set with {@code sendError}. Boot's answer was its own JSON ({@code timestamp}, {@code status}, {@code error},
 * {@code path}) whatever the path: now an RFC 9457 problem with the API's problem types ({@link ProblemTypes}, as
 * {@code web.api.ApiProblem}), and under the authorization server's endpoints an OAuth 2.0 error
 * ({@code invalid_request}, {@code server_error}), which is what their clients read. Neither says more than the
 * status: no path, message or exception. A browser (HTML) still gets the error page ({@code error.html}), unchanged.
 */
@Controller
@RequestMapping("${spring.web.error.path:${error.path:/error}}")
class ErrorAnswers extends BasicErrorController {

    ErrorAnswers(ErrorAttributes errorAttributes, WebProperties web, ObjectProvider<ErrorViewResolver> resolvers) {
        super(errorAttributes, web.getError(), resolvers.orderedStream().toList());
    }

    @Override
    @RequestMapping
    public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        HttpStatus status = getStatus(request);
        if (status == HttpStatus.NO_CONTENT) {
            return new ResponseEntity<>(status);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (oauth(request)) {
            body.put("error", status.is5xxServerError() ? "server_error" : "invalid_request");
            body.put("error_description", status.is5xxServerError()
                    ? "The server could not answer this request; retry later." : "The request could not be read.");
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
        }
        // The API's slugs and titles (docs/api.md, "Errors") for the statuses they name; any other is about:blank.
        Problem problem = switch (status) {
            case BAD_REQUEST -> new Problem("invalid-request", "Invalid request",
                    "The request could not be read: its path, headers or encoding are not accepted here.");
            case NOT_FOUND -> new Problem("not-found", "Not found", "No resource at this path.");
            case METHOD_NOT_ALLOWED -> new Problem("method-not-allowed", "Method not allowed",
                    "This path does not take this method.");
            case CONTENT_TOO_LARGE -> new Problem("body-too-large", "Body too large",
                    "A request's body may be at most " + BodyLimit.MAX / 1024 + " KiB.");
            case SERVICE_UNAVAILABLE -> new Problem("service-unavailable", "Service unavailable",
                    "Nothing was done; retry in a few seconds.");
            default -> status.is5xxServerError()
                    ? new Problem("internal-error", "Internal error", "The server could not answer this request.")
                    : new Problem(null, status.getReasonPhrase(), status.getReasonPhrase() + ".");
        };
        body.put("type", problem.slug() == null ? "about:blank" : ProblemTypes.BASE + problem.slug());
        body.put("title", problem.title());
        body.put("status", status.value());
        body.put("detail", problem.detail());
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    private record Problem(String slug, String title, String detail) {
    }

    /**
     * Whether the refused request was for the authorization server's endpoints, whose clients read OAuth 2.0 errors
     * (RFC 6749, section 5.2): its path with repeated slashes and path parameters taken out, as the firewall refused it.
     */
    private static boolean oauth(HttpServletRequest request) {
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (!(uri instanceof String path)) {
            return false;
        }
        String plain = path.substring(Math.min(path.length(), request.getContextPath().length()))
                .replaceAll(";[^/]*", "").replaceAll("/{2,}", "/");
        return plain.startsWith("/oauth2/") || plain.startsWith("/connect/") || plain.equals("/userinfo")
                || plain.startsWith("/userinfo/");
    }
}
