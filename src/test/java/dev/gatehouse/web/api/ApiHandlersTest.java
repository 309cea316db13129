package dev.gatehouse.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.gatehouse.oidc.ApiScopes;
import dev.gatehouse.testsupport.H2Test;

/**
 * Every handler the server maps under {@code /api/} (but springdoc's document) declares {@link RequiresScope} with
 * known scopes and sits under one account's path, so {@link ApiAccess} checks its scope and its account before it
 * runs. A new handler that forgets either fails here (and is refused at run time).
 */
@H2Test
class ApiHandlersTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyApiHandlerRequiresAKnownScopeAndNamesTheAccount() {
        List<String> checked = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
            HandlerMethod handler = entry.getValue();
            for (String pattern : entry.getKey().getPatternValues()) {
                if (!pattern.startsWith("/api/") || OpenApiDocument.isDocumentHandler(handler)) {
                    continue;
                }
                checked.add(pattern);
                RequiresScope required = handler.getMethodAnnotation(RequiresScope.class);
                if (required == null || required.value().length == 0
                        || !ApiScopes.ALL.containsAll(List.of(required.value()))) {
                    wrong.add(handler.getShortLogMessage() + " has no @RequiresScope of known scopes");
                }
                if (!pattern.equals(ApiPaths.ACCOUNT) && !pattern.startsWith(ApiPaths.ACCOUNT + "/")) {
                    wrong.add(pattern + " is not under " + ApiPaths.ACCOUNT);
                }
            }
        }
        assertThat(checked).contains(ApiPaths.ACCOUNT);
        assertThat(wrong).isEmpty();
    }
}
