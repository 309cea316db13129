package dev.gatehouse.testsupport;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** The page and mail texts, {@code messages.properties}, read as written (UTF-8, as Spring's message source reads it). */
public final class MessageTexts {

    private MessageTexts() {
    }

    public static Properties load() {
        Properties messages = new Properties();
        try (Reader in = new InputStreamReader(MessageTexts.class.getResourceAsStream("/messages.properties"),
                StandardCharsets.UTF_8)) {
            messages.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages;
    }
}
