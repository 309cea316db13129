package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * Invariant 8 as a rule of the web layer: every state-changing route of the user's settings and of account settings
 * either is {@link ConfirmFirst} or is listed here with the reason it needs no re-confirmation. A new route that is
 * neither fails this test; so does an exemption for a route that no longer exists. Each guarded route is then asked
 * for by a signed-in session that has not re-confirmed, which must be sent to "Confirm it's you" and back.
 */
@H2Test
class ConfirmFirstRoutesOnH2Test extends WebFlowSupport {

    private static final Map<String, String> EXEMPT = Map.ofEntries(
            Map.entry("POST /settings/confirm", "it is the re-confirmation"),
            Map.entry("POST /settings/confirm/resend", "sends a code for the re-confirmation itself"),
            Map.entry("POST /settings/confirm/webauthn", "it is the re-confirmation, with a security key"),
            Map.entry("POST /settings/trusted-devices/{deviceId}/remove", "only takes trust away"),
            Map.entry("POST /settings/trusted-devices/remove-all", "only takes trust away"),
            Map.entry("POST /settings/signout-everywhere", "only ends sessions"),
            Map.entry("POST /settings/sessions/sign-out",
                    "only ends one of the user's own other sessions, at once, like sign out everywhere"),
            Map.entry("POST /settings/primary-method", "convenience: every method still works through 'Try another way'"),
            Map.entry("POST /settings/backup-codes/saved", "acknowledges codes shown after a guarded change"),
            Map.entry("POST /settings/webauthn/{factorId}/rename", "a label; changes nothing about sign-in"),
            Map.entry("POST /settings/two-factor/postpone",
                    "only postpones, for this session and within the admins' grace period, a step the rules impose"),
            Map.entry("POST /settings/details/name", "a name; changes nothing about sign-in"),
            Map.entry("POST /settings/details/time-zone", "how times are written; changes nothing about sign-in"),
            Map.entry("POST /settings/details/email/cancel", "only takes a pending change of email away"),
            Map.entry("POST /settings/details/email/confirm/{token}",
                    "completes a change confirmed when it was asked for; the link proves the new inbox and works"
                            + " only in a session of the user who asked"),
            Map.entry("POST /accounts/{accountId}/invitations",
                    "asks in the handler, for an admin invitation only (a member invitation gives no power)"),
            Map.entry("POST /accounts/{accountId}/invitations/{invitationId}/resend",
                    "sends the same invitation again, to the same address and role that were confirmed when it was sent"),
            Map.entry("POST /accounts/{accountId}/invitations/{invitationId}/revoke", "only takes an invitation back"),
            Map.entry("POST /accounts/{accountId}/details",
                    "the account's name, contact and address: audited, and nothing about sign-in or who is alerted"));

    record Route(String method, String pattern, ConfirmFirst rule) {
        String key() {
            return method + " " + pattern;
        }
    }

    List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        ctx.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class).getHandlerMethods()
                .forEach((RequestMappingInfo info, HandlerMethod handler) -> {
                    Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                    for (String pattern : info.getPatternValues()) {
                        if (!pattern.startsWith("/settings") && !pattern.startsWith("/accounts")) {
                            continue;
                        }
                        for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.POST) : methods) {
                            routes.add(new Route(method.name(), pattern,
                                    handler.getMethodAnnotation(ConfirmFirst.class)));
                        }
                    }
                });
        return routes;
    }

    @Test
    void invariant8_everyStateChangingSettingsRouteIsGuardedOrExemptForAReason() {
        List<Route> routes = routes();
        Map<String, String> unguarded = new TreeMap<>();
        for (Route route : routes) {
            boolean changes = !route.method().equals("GET") && !route.method().equals("HEAD");
            if (changes && route.rule() == null && !EXEMPT.containsKey(route.key())) {
                unguarded.put(route.key(), "neither @ConfirmFirst nor exempt");
            }
        }
        assertThat(unguarded).as("state-changing routes without re-confirmation").isEmpty();
        assertThat(EXEMPT.keySet()).as("exemptions for routes that exist")
                .allMatch(key -> routes.stream().anyMatch(r -> r.key().equals(key)));
        assertThat(routes.stream().filter(r -> r.rule() != null).count()).as("guarded routes").isGreaterThan(15);
    }

    @Test
    void invariant8_everyGuardedRouteSendsAnUnconfirmedSessionToConfirmFirst() {
        TestUsers.Created ada = users().create("guarded");
        WebSession web = signedIn(ada.email(), PASSWORD);
        UUID id = UUID.randomUUID();
        for (Route route : routes()) {
            if (route.rule() == null || route.rule().passwordInForm()) {
                continue;
            }
            String path = route.pattern().replace("{method:email|sms}", "email").replaceAll("\\{[a-zA-Z]+}", id.toString());
            String next = route.rule().next().isEmpty() ? path
                    : route.rule().next().replace("{method}", "email").replaceAll("\\{[a-zA-Z]+}", id.toString());
            web.get("/settings/security"); // a form token, as the page the form is on would give
            Page answer = route.method().equals("GET") ? web.get(path) : web.post(path, Map.of());
            assertThat(answer.status()).as(route.key()).isEqualTo(302);
            assertThat(answer.location()).as(route.key()).isEqualTo("/settings/confirm?next=" + next);
        }
    }
}
