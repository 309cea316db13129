package dev.gatehouse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends a benchmark's figures to {@code target/bench/results.md} and prints them. */
public final class BenchReport {

    private BenchReport() {
    }

    public static void section(String title, String markdown) {
        String text = "\n## " + title + "\n\n" + markdown.strip() + "\n";
        System.out.println(text);
        try {
            Path file = Path.of("target", "bench", "results.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value at percentile {@code p} (0-100) of sorted nanosecond samples, in milliseconds. */
    public static double percentileMs(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }
}
