package dev.gatehouse.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the suite measured, printed and written as a Markdown table for docs/operations.md. */
final class Figures {

    private final Map<String, String> rows = new LinkedHashMap<>();

    synchronized void add(String what, String figure) {
        rows.put(what, figure);
        System.out.println("[reliability] " + what + ": " + figure);
    }

    synchronized void write(Path file) {
        StringBuilder md = new StringBuilder("| what | measured |\n|---|---|\n");
        rows.forEach((what, figure) -> md.append("| ").append(what).append(" | ").append(figure).append(" |\n"));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, md.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
