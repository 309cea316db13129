package dev.gatehouse.web.api;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

import dev.gatehouse.oidc.AccountClients;

/**
 * The checks every API call passes before its handler runs, in one place so that no handler can forget one:
 * <ol>
 *     <li>the handler declares {@link RequiresScope} and its path names the account ({@code {accountId}}); a handler
 *         without either is refused (fail closed) and logged as a bug;</li>
 *     <li>the token is an API token ({@link ApiCaller#of}) of a service that is still registered, for the account
 *         its token names (a removed client's tokens stop at once) — otherwise 401 {@code unauthorized};</li>
 *     <li>the path's {@code {accountId}} is the token's account — otherwise 404 {@code not-found}, the same answer as
 *         an account that does not exist;</li>
 *     <li>the token has one of the handler's scopes — otherwise 403 {@code insufficient-scope}.</li>
 * </ol>
 * The caller is then kept in the request for {@link ApiCallerResolver}. Made by {@link ApiWebConfiguration}, which
 * every MVC context has (page slices too, where the clients' store is absent and no API handler runs).
 */
class ApiAccess implements HandlerInterceptor {

    static final String CALLER = ApiCaller.class.getName();
    static final String ACCOUNT_VARIABLE = "accountId";

    private static final Logger log = LoggerFactory.getLogger(ApiAccess.class);

    private final ObjectProvider<AccountClients> clients;

    ApiAccess(ObjectProvider<AccountClients> clients) {
        this.clients = clients;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method) || OpenApiDocument.isDocumentHandler(method)) {
            return true;
        }
        if ("OPTIONS".equals(request.getMethod()) && method.getBeanType().getName().endsWith("$HttpOptionsHandler")) {
            // Spring's own answer to OPTIONS (the path's methods in Allow, no body), not an operation: before stop 38
            // it was refused below as one without a scope, a 500 and two error lines in the log for every OPTIONS.
            return true;
        }
        RequiresScope required = method.getMethodAnnotation(RequiresScope.class);
        Map<?, ?> variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> v
                ? v : Map.of();
        if (required == null || required.value().length == 0 || !variables.containsKey(ACCOUNT_VARIABLE)) {
            log.error("API handler {} lacks @RequiresScope or an {{accountId}} path variable: refused",
                    method.getShortLogMessage());
            throw ApiProblem.insufficientScope("This operation is not open to API clients.");
        }
        ApiCaller caller = ApiCaller.of(SecurityContextHolder.getContext().getAuthentication())
                .orElseThrow(() -> ApiProblem.unauthorized("Use an access token of a service client (client credentials)."));
        Optional<UUID> registered = clients.getObject().accountOfService(caller.clientId(), caller.secretVersion());
        if (registered.isEmpty() || !registered.get().equals(caller.accountId())) {
            throw ApiProblem.unauthorized("This token's client is no longer registered, or its secret was replaced.");
        }
        if (!ApiCaller.accountOf(variables.get(ACCOUNT_VARIABLE)).filter(caller.accountId()::equals).isPresent()) {
            throw ApiProblem.notFound("No such account.");
        }
        if (Arrays.stream(required.value()).noneMatch(caller.scopes()::contains)) {
            throw ApiProblem.insufficientScope("This operation needs the scope "
                    + String.join(" or ", required.value()) + ".");
        }
        request.setAttribute(CALLER, caller);
        return true;
    }
}
