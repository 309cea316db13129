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

    /** The machine's load average over 1, 5 and 15 minutes, e.g. "0.52 0.61 0.70" ("unknown" where unreadable). */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException unreadable) {
            return "unknown";
        }
    }

    /** A line of /proc/PID/status in KiB, e.g. VmRSS (resident now) or VmHWM (the most resident so far); -1 if none. */
    public static long statusKib(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith(field + ":")).map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong)
                .findFirst().orElse(-1);
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
