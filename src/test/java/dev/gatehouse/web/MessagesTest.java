package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The page and mail texts as Spring's message source reads them. */
class MessagesTest {

    private static final Pattern ARGUMENT = Pattern.compile("\\{\\d");

    /** "Last active" of another session, as a person says it; past a day, the date and time. */
    @Test
    void agoWhenMinutesHoursOrDaysThenSaidAsAPersonSaysIt() {
        org.springframework.context.support.ResourceBundleMessageSource source =
                new org.springframework.context.support.ResourceBundleMessageSource();
        source.setBasename("messages");
        source.setDefaultEncoding("UTF-8");
        source.setFallbackToSystemLocale(false);
        PageTimes times = org.mockito.Mockito.mock(PageTimes.class);
        java.time.Instant at = java.time.Instant.parse("2026-12-05T14:32:10Z");
        org.mockito.Mockito.when(times.dateTime(at)).thenReturn("5 Dec 2026, 14:32 GMT");
        Messages messages = new Messages(source, times);
        java.util.Map<Long, String> said = new java.util.LinkedHashMap<>();
        said.put(0L, "Just now");
        said.put(1L, "1 minute ago");
        said.put(59L, "59 minutes ago");
        said.put(60L, "1 hour ago");
        said.put(150L, "2 hours ago");
        said.put(24 * 60L - 1, "23 hours ago");
        said.put(24 * 60L, "5 Dec 2026, 14:32 GMT");
        said.forEach((minutes, words) -> {
            org.mockito.Mockito.when(times.minutesSince(at)).thenReturn(minutes);
            assertThat(messages.ago(at)).as(minutes + " minutes").isEqualTo(words);
        });
    }

    /**
     * A text with an argument ({0}) is read by {@code java.text.MessageFormat}, where a single apostrophe starts a
     * quoted part and is dropped ("As the account's owner" was shown as "As the accounts owner", found by stop 37's
     * walk-through); such a text writes it twice. A text without arguments is shown as written.
     */
    @Test
    void everyTextWithAnArgumentWritesItsApostrophesTwice() {
        Properties messages = dev.gatehouse.testsupport.MessageTexts.load();
        assertThat(messages).isNotEmpty();
        for (String key : messages.stringPropertyNames()) {
            String text = messages.getProperty(key);
            if (ARGUMENT.matcher(text).find()) {
                assertThat(text.replace("''", "")).as(key + ": write ' as '' in a text with arguments")
                        .doesNotContain("'");
            }
        }
    }
}
