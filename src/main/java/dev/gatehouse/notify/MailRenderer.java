package dev.gatehouse.notify;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

import dev.gatehouse.system.GatehouseProperties;
import dev.gatehouse.system.Times;

/**
 * Renders an {@link EmailMessage} from {@code templates/mail/<template>.html} (HTML mode: every {@code th:text} is
 * escaped, so a display name cannot inject markup) and {@code .txt} (TEXT mode: nothing is escaped, because a plain
 * text part is never interpreted). The subject is the HTML template's {@code <title>}.
 *
 * <p>Its own engine rather than Boot's page engine: mail needs a TEXT resolver, and adding resolvers to the page
 * engine would let a page name resolve to a mail template.
 */
@Component
class MailRenderer {

    private static final Pattern TITLE = Pattern.compile("<title>(.*?)</title>", Pattern.DOTALL);
    private static final int SUBJECT_MAX = 300;

    /** Text messages longer than this are a template bug: a code should arrive in one or two SMS segments. */
    static final int SMS_MAX = 480;

    private final SpringTemplateEngine engine = new SpringTemplateEngine();
    private final SpringTemplateEngine smsEngine = new SpringTemplateEngine();
    private final GatehouseProperties gatehouse;
    private final Times times;
    private final RecipientZones zones;

    /** Times in UTC for every address (template tests). */
    MailRenderer(GatehouseProperties gatehouse, MessageSource messages) {
        this(gatehouse, messages, new Times(Clock.systemUTC()), address -> Optional.empty());
    }

    @Autowired
    MailRenderer(GatehouseProperties gatehouse, MessageSource messages, Times times,
                 ObjectProvider<RecipientZones> zones) {
        this(gatehouse, messages, times, address -> zones.getIfAvailable(() -> a -> Optional.empty()).zoneOf(address));
    }

    MailRenderer(GatehouseProperties gatehouse, MessageSource messages, Times times, RecipientZones zones) {
        this.gatehouse = gatehouse;
        this.times = times;
        this.zones = zones;
        engine.addTemplateResolver(resolver(TemplateMode.HTML, "*.html", 1));
        engine.addTemplateResolver(resolver(TemplateMode.TEXT, "*.txt", 2));
        engine.setTemplateEngineMessageSource(messages);
        ClassLoaderTemplateResolver sms = resolver(TemplateMode.TEXT, "*.txt", 1);
        sms.setPrefix("templates/sms/");
        smsEngine.addTemplateResolver(sms);
        smsEngine.setTemplateEngineMessageSource(messages);
    }

    /** A rendered email. */
    record RenderedEmail(String subject, String text, String html) {
    }

    /** Renders the message; a missing template or title is a bug and throws. */
    RenderedEmail render(EmailMessage message) {
        Context context = new Context(Locale.ENGLISH, variables(message));
        String html = engine.process(message.template() + ".html", context);
        String text = engine.process(message.template() + ".txt", context);
        return new RenderedEmail(subject(html, message.template()), text.strip() + "\n", html);
    }

    /**
     * Renders a text message from {@code templates/sms/<template>.txt}: one paragraph per line, the whole at most
     * {@link #SMS_MAX} characters (a missing template or a longer text is a bug and throws).
     */
    String render(SmsMessage message) {
        Context context = new Context(Locale.ENGLISH, variables(message.variables(), ZoneOffset.UTC));
        String text = smsEngine.process(message.template() + ".txt", context).strip()
                .replaceAll("[ \\t]*\\R[ \\t]*", "\n");
        if (text.isEmpty() || text.length() > SMS_MAX) {
            throw new IllegalStateException("sms template " + message.template() + " renders " + text.length()
                    + " characters; 1-" + SMS_MAX + " expected");
        }
        return text;
    }

    /** Instants are written in the recipient's zone, named; UTC (said so) when the address has no known zone. */
    private Map<String, Object> variables(EmailMessage message) {
        ZoneId zone = message.variables().get(EmailMessage.TIME_ZONE) instanceof ZoneId given ? given
                : zones.zoneOf(message.to()).orElse(ZoneOffset.UTC);
        return variables(message.variables(), zone);
    }

    private Map<String, Object> variables(Map<String, Object> given, ZoneId zone) {
        Map<String, Object> variables = new HashMap<>();
        given.forEach((name, value) ->
                variables.put(name, value instanceof Instant instant ? times.inEmail(instant, zone) : value));
        variables.put("productName", gatehouse.productName());
        variables.put("baseUrl", gatehouse.baseUrl());
        return variables;
    }

    private static String subject(String html, String template) {
        Matcher title = TITLE.matcher(html);
        if (!title.find()) {
            throw new IllegalStateException("mail template " + template + ".html has no <title> for the subject");
        }
        // Unescaped because a subject is a header, not HTML; line breaks folded because a header is one line.
        String subject = HtmlUtils.htmlUnescape(title.group(1)).replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
        return subject.length() <= SUBJECT_MAX ? subject : subject.substring(0, SUBJECT_MAX - 1) + "…";
    }

    private static ClassLoaderTemplateResolver resolver(TemplateMode mode, String pattern, int order) {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("templates/mail/");
        resolver.setTemplateMode(mode);
        resolver.setResolvablePatterns(java.util.Set.of(pattern));
        resolver.setCharacterEncoding(StandardCharsets.UTF_8.name());
        resolver.setCacheable(true);
        resolver.setOrder(order);
        return resolver;
    }
}
