package dev.gatehouse.system;

import java.util.ArrayList;
import java.util.List;

import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * In the {@code prod} profile, refuses to start with a trial default in place, naming every missing setting at once
 * so an operator fixes them in one round. Never lazy, not even with {@code spring.main.lazy-initialization=true}: no
 * bean needs this one, so a lazy start would otherwise skip the check and run with the trial defaults.
 */
@Component
@Profile("prod")
@Lazy(false)
public class ProductionReadiness {

    ProductionReadiness(Environment env) {
        List<String> missing = problems(env);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Gatehouse will not start in the prod profile: "
                    + String.join("; ", missing));
        }
    }

    public static List<String> problems(Environment env) {
        List<String> missing = new ArrayList<>();
        String url = env.getProperty("spring.datasource.url", "");
        if (!url.startsWith("jdbc:postgresql:")) {
            missing.add("spring.datasource.url (GATEHOUSE_DATABASE_URL) must be a jdbc:postgresql: URL");
        }
        boolean keyFile = !env.getProperty("gatehouse.crypto.key-file", "").isBlank();
        boolean keys = env.getProperty("gatehouse.crypto.active-key-id") != null;
        if (!keyFile && !keys) {
            missing.add("gatehouse.crypto.active-key-id with gatehouse.crypto.keys.<id> (or gatehouse.crypto.key-file) "
                    + "must name the encryption key");
        }
        if (env.getProperty("gatehouse.crypto.generate-key-file", Boolean.class, false)) {
            missing.add("gatehouse.crypto.generate-key-file must be false");
        }
        if (!"smtp".equals(env.getProperty("gatehouse.mail.gateway"))) {
            missing.add("gatehouse.mail.gateway must be smtp");
        }
        String sms = env.getProperty("gatehouse.sms.gateway", "dev-mailbox");
        if (!sms.equals("twilio") && !sms.equals("webhook") && !sms.equals("none")) {
            missing.add("gatehouse.sms.gateway must be twilio, webhook or none");
        }
        if (env.getProperty("spring.mail.host", "").isBlank()) {
            missing.add("spring.mail.host must name the SMTP server");
        }
        // https, unless the operator has said the pages run without it by turning secure cookies off (the local
        // production-like run of deploy/compose.yaml on http://localhost does): a cookie marked Secure never comes
        // back over http, so the two settings only work together.
        String baseUrl = env.getProperty("gatehouse.base-url", "");
        if (!baseUrl.startsWith("https://")
                && env.getProperty("server.servlet.session.cookie.secure", Boolean.class, false)) {
            missing.add("gatehouse.base-url must be the public https URL");
        }
        if (!env.getProperty("gatehouse.dev.example-app-url", "").isBlank()) {
            missing.add("gatehouse.dev.example-app-url must not be set (it registers the example application, "
                    + "whose secret is public, for the trial only)");
        }
        return missing;
    }
}
