package dev.gatehouse.web;

import java.util.Map;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * The last word on an exception no other resolver handled (a bug or an outage): the person sees the calm error page,
 * and the log gets one line with an incident id and the exception classes — never the messages, which for database
 * errors hold SQL and the values bound to it (DESIGN.md invariant 12). The full stack trace goes to DEBUG only.
 * When the database cannot be reached (restarting, failing over, the pool exhausted) the answer is 503 with
 * {@code Retry-After}: the request was not done, and the same request a few seconds later is the right thing to do.
 */
@Component
public class UnexpectedErrorResolver implements HandlerExceptionResolver, Ordered {

    private static final Logger log = LoggerFactory.getLogger(UnexpectedErrorResolver.class);

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception ex) {
        String incident = UUID.randomUUID().toString().substring(0, 8);
        log.error("Unexpected error {} on {} {}: {}", incident, request.getMethod(), route(request), classes(ex));
        log.debug("Unexpected error " + incident, ex);
        int status = status(response, ex);
        return new ModelAndView("error", Map.of("status", status, "incident", incident));
    }

    /** How long a client is asked to wait while the database cannot be reached. */
    public static final int DATABASE_RETRY_SECONDS = 5;

    /** What a client program is told while the database cannot be reached (the API's problem, an OAuth error). */
    public static String databaseUnreachableDetail(String incident) {
        return "The database could not be reached (incident " + incident + "). Retry in a few seconds.";
    }

    /** What a client program is told of a failure of ours: only the incident id to quote. */
    public static String failureDetail(String incident) {
        return "Something went wrong on our side (incident " + incident + "). Try again later.";
    }

    /**
     * Sets 503 with {@code Retry-After} when the database could not be reached or a lock wait ran out, 500 otherwise;
     * returns it.
     */
    static int status(HttpServletResponse response, Throwable ex) {
        if (databaseUnreachable(ex) || lockWaitRanOut(ex)) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", String.valueOf(DATABASE_RETRY_SECONDS));
            return HttpServletResponse.SC_SERVICE_UNAVAILABLE;
        }
        response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        return HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
    }

    /**
     * A statement waited for a row another transaction held for longer than the database allows (H2's lock timeout):
     * its transaction was rolled back and nothing was done, so the request may simply be sent again (503). Twenty
     * requests at once on one account's members, from the pages and the API, met it on H2 (found by an outside
     * attack in stop 31); PostgreSQL waits instead.
     */
    public static boolean lockWaitRanOut(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.springframework.dao.PessimisticLockingFailureException
                    || t instanceof org.springframework.dao.QueryTimeoutException
                    || t instanceof java.sql.SQLTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The database was not there (no connection could be had, or the one in use was cut), as opposed to a query that
     * failed on a working database (a bug: 500).
     */
    public static boolean databaseUnreachable(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.springframework.jdbc.CannotGetJdbcConnectionException
                    || t instanceof org.springframework.dao.DataAccessResourceFailureException
                    || t instanceof org.springframework.transaction.CannotCreateTransactionException
                    || t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof org.springframework.transaction.TransactionSystemException failedRollback
                    && failedRollback.getApplicationException() != null
                    && databaseUnreachable(failedRollback.getApplicationException())) {
                return true; // the rollback after a cut connection fails too, and hides the cut
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().equals("57P01"))) {
                return true; // connection exception class, or "terminating connection due to administrator command"
            }
        }
        return false;
    }

    /**
     * The route's pattern (e.g. {@code /invite/{token}}), not the path: paths of sign-up and invitation links hold
     * live tokens, which must not reach a log (DESIGN.md invariant 6). Without a matched route, the path only when
     * it is short and plain.
     */
    static String route(HttpServletRequest request) {
        if (request.getAttribute(org.springframework.web.servlet.HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)
                instanceof String pattern) {
            return pattern;
        }
        // On the error page's own dispatch, the path that failed rather than /error.
        String path = request.getAttribute(org.springframework.web.util.WebUtils.ERROR_REQUEST_URI_ATTRIBUTE)
                instanceof String failed ? failed : request.getRequestURI();
        return path != null && path.length() <= 40 && path.matches("[a-z/-]*") ? path : "(unmatched path)";
    }

    /** The chain of exception classes, e.g. "DataIntegrityViolationException < PSQLException". */
    public static String classes(Throwable ex) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = ex; t != null && out.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
            out.append(out.isEmpty() ? "" : " < ").append(t.getClass().getSimpleName());
        }
        return out.toString();
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
