package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The page and mail texts as Spring's message source reads them. */
class MessagesTest {

    private static final Pattern ARGUMENT = Pattern.compile("\\{\\d");

    /**
     * A text with an argument ({0}) is read by {@code java.text.MessageFormat}, where a single apostrophe starts a
     * quoted part and is dropped ("As the account's owner" was shown as "As the accounts owner", found by stop 37's
     * walk-through); such a text writes it twice. A text without arguments is shown as written.
     */
    @Test
    void everyTextWithAnArgumentWritesItsApostrophesTwice() throws IOException {
        Properties messages = new Properties();
        try (Reader in = new InputStreamReader(getClass().getResourceAsStream("/messages.properties"),
                StandardCharsets.UTF_8)) {
            messages.load(in);
        }
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
